import { checkHealth, type HealthProbe, type HealthReport } from './checkHealth';

export interface CachedHealthOptions {
    /** Each probe's bound. */
    readonly probeTimeoutMs: number;
    /** A report is answered again for this long after its probes finished. */
    readonly cacheMs: number;
    /** Monotonic milliseconds. */
    readonly now: () => number;
}

/**
 * The health report, probed at most once per `cacheMs`: callers within the window get the last report, and callers
 * while the probes run share that one run. `/api/health` is anonymous, so a flood of it must not spend the Graph
 * quota that cancels and authorization lookups need.
 */
export function cachedHealth(
    probes: readonly HealthProbe[],
    options: CachedHealthOptions,
): () => Promise<HealthReport> {
    let latest: { readonly report: HealthReport; readonly at: number } | undefined;
    let running: Promise<HealthReport> | undefined;
    return () => {
        if (latest !== undefined && options.now() - latest.at < options.cacheMs) return Promise.resolve(latest.report);
        running ??= checkHealth(probes, options.probeTimeoutMs)
            .then((report) => {
                latest = { report, at: options.now() };
                return report;
            })
            .finally(() => {
                running = undefined;
            });
        return running;
    };
}
