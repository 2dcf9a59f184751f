/**
 * Asking Microsoft Graph about many items at once, politely: JSON batches of one mailbox each, a bounded number
 * of batches in flight, `Retry-After` honoured on the batch and on each item inside it, and a deadline before
 * which everything started can finish. No SDK here: the port below is implemented by
 * `src/adapters/graph/graphBatch.ts` and by fakes in tests.
 *
 * Why one batch per mailbox in flight keeps a mailbox at ≤ 4 concurrent requests: Outlook's limit is 4 concurrent
 * requests per app and mailbox (docs/graph.md §5), and Graph runs the items of one `$batch` that address the
 * same mailbox at most 4 at a time, queueing the rest. So a single batch never has more than
 * min(size, 4) of its items running against its mailbox, and with no second batch for that mailbox in flight
 * nothing else adds to it. When a mailbox's limit (`maxPerMailbox`, or its entry in `maxPerMailboxFor`) is below 4
 * its batches are cut to that many items, so even a fully parallel run of one stays within the bound. Several batches per mailbox would only be safe with ≤ 4 items in
 * all of them together (or `dependsOn` chains, which turn a 404 into 424 for every later item): no gain.
 */

import type { AppointmentLocator, RecordedEvent } from '../cancellation/graphPorts';

/** What to ask Graph about: an event as its record keeps it, or a booking appointment. */
export type LookupTarget =
    | { readonly kind: 'event'; readonly event: RecordedEvent }
    /** The calendars (folder ids) of the mailbox `event` is in: a calendar tells itself apart from Deleted Items. */
    | { readonly kind: 'calendars'; readonly event: RecordedEvent }
    | { readonly kind: 'bookingAppointment'; readonly appointment: AppointmentLocator };

export interface ItemLookup {
    /** The caller's key for the answer (e.g. the cancellation record id); unique within one call. */
    readonly id: string;
    /** The mailbox the item lives in (UPN, user id, group mail or Bookings business id); compared case-insensitively. */
    readonly mailbox: string;
    readonly version: 'v1.0' | 'beta';
    /** The item; the Graph adapter turns it into the `$batch` item's URL. */
    readonly target: LookupTarget;
}

export interface LookupAnswer {
    readonly status: number;
    readonly body: unknown;
}

export interface BatchAnswer {
    /** One per request sent (any order); a missing one is asked again later. */
    readonly responses: ReadonlyArray<{ id: string; status: number; body: unknown; retryAfterMs?: number }>;
}

/** Sends one `$batch` of ≤ 20 GETs; throws {@link GraphThrottled} when the batch itself is throttled (429/503). */
export interface GraphBatchPort {
    send(version: 'v1.0' | 'beta', requests: readonly ItemLookup[]): Promise<BatchAnswer>;
}

/**
 * The batch as a whole was throttled (or Graph was unavailable). `scope` says what to pause: the batch's mailbox
 * (every batch holds one mailbox) or, when the throttling is not about a mailbox (e.g. the app's global limit), all.
 */
export class GraphThrottled extends Error {
    constructor(
        readonly retryAfterMs: number,
        readonly scope: 'mailbox' | 'all' = 'mailbox',
    ) {
        super(`Microsoft Graph throttled the batch; retry after ${retryAfterMs} ms.`);
        this.name = 'GraphThrottled';
    }
}

export interface LookupOptions {
    /** Epoch ms: nothing is started that cannot finish before it (as far as batches seen so far tell). */
    readonly deadline: number;
    /** Concurrent requests allowed per mailbox (Outlook: 4). */
    readonly maxPerMailbox: number;
    /**
     * Lower limits for some mailboxes, keyed by mailbox in lower case (e.g. 3 where a bulk job has a write in flight):
     * their batches are cut to that many items, every other mailbox keeps `maxPerMailbox`.
     */
    readonly maxPerMailboxFor?: ReadonlyMap<string, number> | undefined;
    /**
     * Batches in flight over all mailboxes. Only a tenant-wide brake: each mailbox has at most one batch in flight
     * anyway, so a cap below the number of mailboxes leaves mailboxes idle (see {@link defaultMaxBatchesInFlight}).
     */
    readonly maxBatchesInFlight: number;
    /** Items per `$batch` (Graph: at most 20). */
    readonly batchSize: number;
}

export interface LookupDeps {
    readonly graph: GraphBatchPort;
    readonly clock: { now(): Date };
    readonly sleep: (ms: number) => Promise<void>;
}

export interface LookupReport {
    /** Final answers by item id: any status but 429, 503 and 424 (200, 404, 400, 403, 500…). */
    readonly answers: ReadonlyMap<string, LookupAnswer>;
    /** Ids without a final answer (deadline, or the run stopped on `error`), in the order given: resume next run. */
    readonly unfinished: readonly string[];
    /** Batches sent, throttled ones included. */
    readonly graphCalls: number;
    /** Items and batches answered 429, 503 or 424. */
    readonly throttled: number;
    /** Set when a batch failed other than by throttling (auth, network, a malformed answer): the run stopped there. */
    readonly error?: unknown;
}

/** Graph's own concurrency for the items of one batch that address the same mailbox. */
export const graphItemsInFlightPerMailbox = 4;
/**
 * The default overall cap: above the mailboxes a pass usually sees (50 in the benchmark), so each of them keeps its
 * one batch in flight and the pass runs at Outlook's 4 requests per mailbox; it only bounds sockets and memory for a
 * tenant with far more mailboxes due at once (RECONCILE_MAX_BATCHES_IN_FLIGHT).
 */
export const defaultMaxBatchesInFlight = 64;
/** Graph's limit on requests in one `$batch`. */
export const maxBatchSize = 20;
/** Waits when Graph throttles without `Retry-After` (and for 424), by the item's attempt number. */
export const fallbackBackoffMs: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

const retriableStatuses = new Set([429, 503, 424]);

interface MailboxQueue {
    /** Items still to ask about, oldest first (items put back go to the front). */
    queue: ItemLookup[];
    /** Items per `$batch` for this mailbox. */
    readonly batchSize: number;
    /** Epoch ms before which nothing is sent for this mailbox: the largest `Retry-After` end seen. */
    notBefore: number;
}

/** A counting semaphore, first come first served, so mailboxes take turns. */
class Slots {
    private free: number;
    private readonly waiting: Array<() => void> = [];

    constructor(size: number) {
        this.free = size;
    }

    async acquire(): Promise<() => void> {
        if (this.free > 0) this.free -= 1;
        else await new Promise<void>((resolve) => this.waiting.push(resolve));
        let released = false;
        return () => {
            if (released) return;
            released = true;
            const next = this.waiting.shift();
            if (next) next();
            else this.free += 1;
        };
    }
}

/**
 * Looks up every item through JSON batches and returns the final answers, what is left for the next run, and the
 * cost. Never throws for Graph's answers: throttling is waited out (or left unfinished at the deadline), and any
 * other failure of a batch stops the run cleanly with `error` set.
 */
export async function lookupMany(
    items: readonly ItemLookup[],
    options: LookupOptions,
    deps: LookupDeps,
): Promise<LookupReport> {
    /** Items per batch for a mailbox with this many requests allowed at once. */
    const batchSizeFor = (maxPerMailbox: number): number =>
        Math.max(
            1,
            Math.min(
                Math.floor(options.batchSize),
                maxBatchSize,
                // Below Graph's own per-mailbox concurrency the batch itself must be small enough (see the header).
                maxPerMailbox < graphItemsInFlightPerMailbox ? Math.floor(maxPerMailbox) : maxBatchSize,
            ),
        );
    const now = (): number => deps.clock.now().getTime();
    const answers = new Map<string, LookupAnswer>();
    const attempts = new Map<string, number>();
    const mailboxes = new Map<string, MailboxQueue>();
    const seen = new Set<string>();
    const order: string[] = [];
    for (const item of items) {
        if (seen.has(item.id)) continue;
        seen.add(item.id);
        order.push(item.id);
        const key = item.mailbox.toLowerCase();
        let mailbox = mailboxes.get(key);
        if (!mailbox) {
            const limit = Math.min(options.maxPerMailbox, options.maxPerMailboxFor?.get(key) ?? Infinity);
            mailbox = { queue: [], notBefore: 0, batchSize: batchSizeFor(limit) };
            mailboxes.set(key, mailbox);
        }
        mailbox.queue.push(item);
    }

    const slots = new Slots(Math.max(1, Math.floor(options.maxBatchesInFlight)));
    let globalNotBefore = 0;
    let longestBatchMs = 0;
    let graphCalls = 0;
    let throttled = 0;
    let stopped = false;
    let error: unknown;

    const backoff = (id: string): number => {
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        return fallbackBackoffMs[Math.min(n, fallbackBackoffMs.length) - 1]!;
    };
    /** Takes the next batch: the oldest item's version, up to the mailbox's batch size of that version, in order. */
    const take = (mailbox: MailboxQueue): ItemLookup[] => {
        const version = mailbox.queue[0]!.version;
        const batch: ItemLookup[] = [];
        const rest: ItemLookup[] = [];
        for (const item of mailbox.queue) {
            if (batch.length < mailbox.batchSize && item.version === version) batch.push(item);
            else rest.push(item);
        }
        mailbox.queue = rest;
        return batch;
    };
    /** The batch would start now and, judging by the longest batch so far, end after the deadline. */
    const tooLate = (startAt: number): boolean => startAt + longestBatchMs > options.deadline;

    const drain = async (mailbox: MailboxQueue): Promise<void> => {
        while (mailbox.queue.length > 0 && !stopped) {
            const wakeAt = Math.max(mailbox.notBefore, globalNotBefore);
            const before = now();
            if (tooLate(Math.max(wakeAt, before))) return;
            if (wakeAt > before) {
                await deps.sleep(wakeAt - before);
                continue; // re-check: a timer may fire early, or a global pause may have come meanwhile
            }
            const release = await slots.acquire();
            try {
                if (stopped) return;
                const startedAt = now();
                if (Math.max(mailbox.notBefore, globalNotBefore) > startedAt) continue;
                if (tooLate(startedAt)) return;
                const batch = take(mailbox);
                graphCalls += 1;
                let answer: BatchAnswer;
                try {
                    answer = await deps.graph.send(batch[0]!.version, batch);
                } catch (failure) {
                    const endedAt = now();
                    longestBatchMs = Math.max(longestBatchMs, endedAt - startedAt);
                    mailbox.queue.unshift(...batch);
                    if (failure instanceof GraphThrottled) {
                        throttled += 1;
                        const until =
                            endedAt +
                            (Number.isFinite(failure.retryAfterMs)
                                ? Math.max(0, failure.retryAfterMs)
                                : fallbackBackoffMs[0]!);
                        if (failure.scope === 'all') globalNotBefore = Math.max(globalNotBefore, until);
                        else mailbox.notBefore = Math.max(mailbox.notBefore, until);
                        continue;
                    }
                    stopped = true;
                    error = failure;
                    return;
                }
                const endedAt = now();
                longestBatchMs = Math.max(longestBatchMs, endedAt - startedAt);
                const byId = new Map(answer.responses.map((r) => [r.id, r]));
                const again: ItemLookup[] = [];
                let waitMs = 0;
                for (const item of batch) {
                    const response = byId.get(item.id);
                    if (response && !retriableStatuses.has(response.status)) {
                        answers.set(item.id, { status: response.status, body: response.body });
                        continue;
                    }
                    if (response) throttled += 1;
                    const given = response?.retryAfterMs;
                    const wait = given !== undefined && Number.isFinite(given) ? Math.max(0, given) : backoff(item.id);
                    waitMs = Math.max(waitMs, wait);
                    again.push(item);
                }
                if (again.length > 0) {
                    // Resent in a later batch, and nothing goes to this mailbox before its largest Retry-After ends.
                    mailbox.queue.unshift(...again);
                    mailbox.notBefore = Math.max(mailbox.notBefore, endedAt + waitMs);
                }
            } finally {
                release();
            }
        }
    };

    await Promise.all([...mailboxes.values()].map(drain));

    const unfinished = order.filter((id) => !answers.has(id));
    return {
        answers,
        unfinished,
        graphCalls,
        throttled,
        ...(error === undefined ? {} : { error }),
    };
}
