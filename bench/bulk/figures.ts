/**
 * The bulk bench's figures, computed from the Graph emulator's request log (docs/emulator.md "Admin API"): what
 * Graph saw, not what the gateway says it did.
 */

/** One call of the request log, the fields the figures read. */
export interface LoggedRequest {
    readonly method: string;
    readonly path: string;
    readonly status: number | null;
    readonly mailbox: string | null;
    readonly startedAtMs: number;
    readonly finishedAtMs: number | null;
}

const minuteMs = 60_000;
const writeMethods = new Set(['POST', 'PATCH', 'DELETE']);

/** A write to an event (`POST …/events/{id}/cancel|decline`, `PATCH`, `DELETE`) that Graph accepted (2xx). */
export function isAcceptedWrite(request: LoggedRequest): boolean {
    return (
        writeMethods.has(request.method) &&
        /\/events\//i.test(request.path) &&
        request.status !== null &&
        request.status >= 200 &&
        request.status < 300
    );
}

/** A write to an event Graph refused with 429 (the emulator's sending limit, or its mailbox concurrency limit). */
export function isThrottledWrite(request: LoggedRequest): boolean {
    return writeMethods.has(request.method) && /\/events\//i.test(request.path) && request.status === 429;
}

/** The most writes in any 60 s window, for `times` (epoch ms) in any order. */
export function maxInAnyMinute(times: readonly number[]): number {
    const sorted = [...times].sort((a, b) => a - b);
    let most = 0;
    let first = 0;
    for (let last = 0; last < sorted.length; last++) {
        while (sorted[first]! <= sorted[last]! - minuteMs) first++;
        most = Math.max(most, last - first + 1);
    }
    return most;
}

/**
 * Writes in each whole minute from the first write (`[first + 60 s·j, first + 60 s·(j + 1))`), for the minutes that
 * end by the last write: the job was still writing through each of them.
 */
export function writesPerWholeMinute(times: readonly number[]): number[] {
    const sorted = [...times].sort((a, b) => a - b);
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    if (first === undefined || last === undefined) return [];
    const minutes = Math.floor((last - first) / minuteMs);
    const counts = Array.from({ length: minutes }, () => 0);
    for (const at of sorted) {
        const minute = Math.floor((at - first) / minuteMs);
        if (minute < minutes) counts[minute] = (counts[minute] ?? 0) + 1;
    }
    return counts;
}

/**
 * The sustained rate of a paced job (writes per minute): the fewest writes in a whole minute after the first. The
 * first minute spends the budget at once; each later one shows how much of the budget the job keeps using.
 * `undefined` when the job wrote through no whole minute after the first (too few meetings to tell).
 */
export function sustainedPerMinute(times: readonly number[]): number | undefined {
    const later = writesPerWholeMinute(times).slice(1);
    return later.length > 0 ? Math.min(...later) : undefined;
}

/**
 * The most requests in flight at once for one mailbox: its calls (top-level and `$batch` items) as spans from
 * start to answer; a call never answered counts until `endMs`.
 */
export function maxInFlight(requests: readonly LoggedRequest[], endMs: number): number {
    const edges: [number, number][] = [];
    for (const request of requests) {
        edges.push([request.startedAtMs, 1], [request.finishedAtMs ?? endMs, -1]);
    }
    // At equal instants an answer comes before a start: a span that ends as another begins is not an overlap.
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let current = 0;
    let most = 0;
    for (const [, step] of edges) {
        current += step;
        most = Math.max(most, current);
    }
    return most;
}

/**
 * The calls in flight together at the first instant the most were ({@link maxInFlight}): what made the peak, as
 * `METHOD path (status)` lines, to tell a job's write from reconciliation's `$batch` items or discovery.
 */
export function peakInFlight(requests: readonly LoggedRequest[], endMs: number): string[] {
    const most = maxInFlight(requests, endMs);
    if (most === 0) return [];
    // The peak starts when a call starts: the latest start among some `most` calls that overlap there.
    for (const candidate of [...requests].sort((a, b) => a.startedAtMs - b.startedAtMs)) {
        const at = candidate.startedAtMs;
        const open = requests.filter((r) => r.startedAtMs <= at && (r.finishedAtMs ?? endMs) > at);
        if (open.length === most) {
            return open.map((r) => `${r.method} ${r.path} (${r.status ?? 'no answer'}, +${at - r.startedAtMs} ms)`);
        }
    }
    return [];
}

/** The log's calls grouped by the mailbox they touch (lower-cased), calls touching none left out. */
export function byMailbox(requests: readonly LoggedRequest[]): Map<string, LoggedRequest[]> {
    const groups = new Map<string, LoggedRequest[]>();
    for (const request of requests) {
        if (request.mailbox === null) continue;
        const key = request.mailbox.toLowerCase();
        const group = groups.get(key);
        if (group) group.push(request);
        else groups.set(key, [request]);
    }
    return groups;
}
