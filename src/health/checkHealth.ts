/** One dependency the gateway needs in order to serve: storage, Graph. */
export interface HealthProbe {
    readonly name: string;
    /** Resolves when the dependency answered as expected; rejects with a reason otherwise. */
    check(signal: AbortSignal): Promise<void>;
}

export interface ProbeResult {
    readonly status: 'up' | 'down';
    readonly durationMs: number;
    readonly reason?: string;
}

export interface HealthReport {
    readonly status: 'healthy' | 'unhealthy';
    readonly checks: Readonly<Record<string, ProbeResult>>;
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<ProbeResult> {
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }),
    );
    try {
        await Promise.race([probe.check(signal), timedOut]);
        return { status: 'up', durationMs: Math.round(performance.now() - started) };
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: 'down', durationMs: Math.round(performance.now() - started), reason };
    }
}

/** Runs every probe at once, each bounded by `timeoutMs`; healthy only when all are up. */
export async function checkHealth(probes: readonly HealthProbe[], timeoutMs: number): Promise<HealthReport> {
    const results = await Promise.all(probes.map((probe) => runProbe(probe, timeoutMs)));
    const checks = Object.fromEntries(probes.map((probe, i) => [probe.name, results[i]!]));
    return { status: results.every((r) => r.status === 'up') ? 'healthy' : 'unhealthy', checks };
}
