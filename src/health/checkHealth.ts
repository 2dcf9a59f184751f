/** One dependency the gateway needs in order to serve: storage, Graph. */
export interface HealthProbe {
    readonly name: string;
    /**
     * Resolves when the dependency answered: nothing (or `up`) when it can do all the gateway needs of it, `degraded`
     * when it can do only part; rejects with a reason when it did not answer as expected (down).
     */
    check(signal: AbortSignal): Promise<ProbeFinding | void>;
}

/** What a probe that answered found. */
export interface ProbeFinding {
    readonly status: 'up' | 'degraded' | 'down';
    readonly reason?: string;
    /** Graph's: each application permission the gateway relies on, by name (`ok`, `missing: …`, …). */
    readonly permissions?: Readonly<Record<string, string>>;
}

export interface ProbeResult extends ProbeFinding {
    readonly durationMs: number;
}

/**
 * `unhealthy` when a dependency is down (every request needs storage and a usable Graph); `degraded` when all
 * answer but one can do only part of what the gateway needs (Graph refuses one of its permissions).
 */
export interface HealthReport {
    readonly status: 'healthy' | 'degraded' | 'unhealthy';
    readonly checks: Readonly<Record<string, ProbeResult>>;
}

async function runProbe(probe: HealthProbe, timeoutMs: number): Promise<ProbeResult> {
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }),
    );
    try {
        const finding = await Promise.race([probe.check(signal), timedOut]);
        return { ...(finding ?? { status: 'up' }), durationMs: Math.round(performance.now() - started) };
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: 'down', durationMs: Math.round(performance.now() - started), reason };
    }
}

function overall(results: readonly ProbeResult[]): HealthReport['status'] {
    if (results.some((r) => r.status === 'down')) return 'unhealthy';
    if (results.some((r) => r.status === 'degraded')) return 'degraded';
    return 'healthy';
}

/** Runs every probe at once, each bounded by `timeoutMs`. */
export async function checkHealth(probes: readonly HealthProbe[], timeoutMs: number): Promise<HealthReport> {
    const results = await Promise.all(probes.map((probe) => runProbe(probe, timeoutMs)));
    const checks = Object.fromEntries(probes.map((probe, i) => [probe.name, results[i]!]));
    return { status: overall(results), checks };
}
