import type { LoadResult } from './load';

/** The q-quantile (0..1) of ascending samples, nearest rank; NaN when there are none. */
export function quantile(sorted: Float64Array, q: number): number {
    if (sorted.length === 0) return Number.NaN;
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[rank]!;
}

export function cancelsPerSecond(result: LoadResult): number {
    return result.cancels / (result.wallMs / 1000);
}

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
export const mib = (value: number): string => `${value.toFixed(1)} MiB`;

/** a / b as a ratio with the overhead in percent, e.g. "1.18 (+18%)". */
export function overhead(gateway: number, direct: number): string {
    if (!(direct > 0)) return 'n/a';
    const ratio = gateway / direct;
    const percent = (ratio - 1) * 100;
    return `${ratio.toFixed(2)} (${percent >= 0 ? '+' : ''}${percent.toFixed(0)}%)`;
}

/** One run: cancels, throughput and latency. */
export function describeRun(result: LoadResult): string {
    return (
        `${result.side.padEnd(7)} c=${String(result.concurrency).padEnd(3)} ${result.cancels} cancels in ` +
        `${(result.wallMs / 1000).toFixed(2)} s: ${cancelsPerSecond(result).toFixed(1)} cancels/s ` +
        `(${result.http.requestsPerSecond.toFixed(1)} HTTP req/s), p50 ${ms(quantile(result.latenciesMs, 0.5))}, ` +
        `p99 ${ms(quantile(result.latenciesMs, 0.99))} (${result.latenciesMs.length} timed)`
    );
}

/** One goal line: `goal …: goal ≤ 1.25, measured 1.19, met`. */
export function goalLine(name: string, goal: number, measured: number, unit = ''): string {
    const met = measured <= goal;
    return `goal ${name}: goal <= ${goal}${unit}, measured ${measured.toFixed(2)}${unit}, ${met ? 'met' : 'not met'}`;
}
