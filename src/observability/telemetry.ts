import type * as AzureIdentity from '@azure/identity';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';
import type * as UndiciInstrumentationModule from '@opentelemetry/instrumentation-undici';

/** Telemetry export settings, read from app settings. Off unless a connection string is configured. */
export interface TelemetrySettings {
    readonly enabled: boolean;
    /** The Application Insights connection string (it holds an instrumentation key, so it is never logged). */
    readonly connectionString: string | undefined;
    /** Client id of the managed identity that signs telemetry in (`Authorization=AAD`), when local auth is off. */
    readonly aadClientId: string | undefined;
}

/**
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` (absent locally, so telemetry is off by default) and
 * `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` (`ClientId=…;Authorization=AAD`, what the Bicep sets), the names the
 * Functions host itself reads.
 */
export function telemetrySettings(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
    const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || undefined;
    const authentication = new Map(
        (env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '')
            .split(';')
            .map((pair) => pair.split('=').map((part) => part.trim()))
            .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '')
            .map(([key, value]) => [key.toLowerCase(), value]),
    );
    const aadClientId =
        authentication.get('authorization')?.toLowerCase() === 'aad' ? authentication.get('clientid') : undefined;
    return { enabled: connectionString !== undefined, connectionString, aadClientId };
}

let started: TelemetrySettings | undefined;

/**
 * Exports dependency telemetry (webhook calls through `fetch`/undici, Graph and Storage through `node:http(s)` and the
 * Azure SDK's own spans) to Application Insights with the Azure Monitor OpenTelemetry distro. It must run before the
 * modules it instruments are loaded, so every function entry imports `telemetryBootstrap` first. Without a connection
 * string it does nothing and the OpenTelemetry packages are never loaded (local runs, tests).
 */
export function startTelemetry(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
    if (started) return started;
    started = telemetrySettings(env);
    if (!started.enabled) return started;
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when telemetry is on */
    const { useAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof AzureMonitor;
    const { UndiciInstrumentation } =
        require('@opentelemetry/instrumentation-undici') as typeof UndiciInstrumentationModule;
    const { ManagedIdentityCredential } = require('@azure/identity') as typeof AzureIdentity;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const credential: AzureIdentity.TokenCredential | undefined = started.aadClientId
        ? new ManagedIdentityCredential({ clientId: started.aadClientId })
        : undefined;
    useAzureMonitor({
        azureMonitorExporterOptions: { connectionString: started.connectionString, ...(credential && { credential }) },
        // Logs already reach Application Insights through the host (context.log); these are the dependency calls.
        instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
        enableLiveMetrics: false,
    });
    // Enabled on construction; it listens on undici's diagnostics channels and uses the global tracer provider.
    new UndiciInstrumentation();
    return started;
}
