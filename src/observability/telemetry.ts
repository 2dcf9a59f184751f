/** Telemetry export settings, read from app settings. Off unless a connection string is configured. */
export interface TelemetrySettings {
    readonly enabled: boolean;
    /** The Application Insights connection string (it holds an instrumentation key, so it is never logged). */
    readonly connectionString: string | undefined;
}

/**
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` (absent locally, so telemetry is off by default). In Azure the
 * Functions host already sends the invocations' logs (our JSON lines) and requests to Application Insights;
 * dependency telemetry for Graph, Storage and webhook calls from this worker needs an exporter
 * (`@azure/monitor-opentelemetry`'s `useAzureMonitor()` with undici/http instrumentation), not installed yet.
 */
export function telemetrySettings(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
    const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || undefined;
    return { enabled: connectionString !== undefined, connectionString };
}
