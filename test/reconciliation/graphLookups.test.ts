import {
    type BatchAnswer,
    defaultMaxBatchesInFlight,
    type GraphBatchPort,
    GraphThrottled,
    type ItemLookup,
    type LookupOptions,
    lookupMany,
    type LookupTarget,
} from '../../src/domain/reconciliation/graphLookups';
import { until } from '../support/until';

const eventAt = (version: 'v1.0' | 'beta', graphPath: string): LookupTarget => ({
    kind: 'event',
    event: { version, graphPath },
});

/**
 * Virtual time: `sleep` registers a timer; once everything runnable has run (a `setImmediate` turn), the earliest
 * timer fires and the clock jumps to it. Time never goes back and no timer fires early.
 */
class VirtualTime {
    nowMs = 1_000_000;
    private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
    private seq = 0;
    private scheduled = false;

    readonly clock = { now: (): Date => new Date(this.nowMs) };

    readonly sleep = (ms: number): Promise<void> =>
        new Promise((resolve) => {
            this.timers.push({ at: this.nowMs + Math.max(0, ms), seq: this.seq++, resolve });
            this.kick();
        });

    private kick(): void {
        if (this.scheduled) return;
        this.scheduled = true;
        setImmediate(() => {
            this.scheduled = false;
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const timer = this.timers.shift();
            if (!timer) return;
            this.nowMs = Math.max(this.nowMs, timer.at);
            timer.resolve();
            if (this.timers.length > 0) this.kick();
        });
    }
}

type ItemReply = { status: number; retryAfterMs?: number; body?: unknown };
type Script = (item: ItemLookup, attempt: number) => ItemReply;

interface SentBatch {
    readonly version: string;
    readonly mailbox: string;
    readonly ids: string[];
    readonly startedAt: number;
    endedAt: number;
    readonly outcome: 'answered' | 'throttled' | 'failed';
    readonly replies: Map<string, ItemReply>;
}

/** A scripted Graph: each batch takes `latencyMs` of virtual time; every item or batch is recorded. */
function fakeGraph(
    time: VirtualTime,
    options: {
        latencyMs?: number;
        script?: Script;
        /** Called before answering: return a GraphThrottled or an Error to throw for this batch. */
        batchFault?: (batchNumber: number, requests: readonly ItemLookup[]) => Error | undefined;
        /** Drop these ids from the answer (Graph forgot them). */
        omit?: (item: ItemLookup, attempt: number) => boolean;
    } = {},
) {
    const batches: SentBatch[] = [];
    const attempts = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const inFlightPerMailbox = new Map<string, number>();
    let maxPerMailbox = 0;
    const script: Script = options.script ?? (() => ({ status: 200 }));
    const graph: GraphBatchPort = {
        async send(version, requests): Promise<BatchAnswer> {
            const mailboxes = new Set(requests.map((r) => r.mailbox.toLowerCase()));
            if (mailboxes.size !== 1) throw new Error(`batch mixes mailboxes: ${[...mailboxes].join(', ')}`);
            if (requests.length > 20) throw new Error('more than 20 requests');
            const mailbox = [...mailboxes][0]!;
            const startedAt = time.nowMs;
            inFlight += 1;
            maxInFlight = Math.max(maxInFlight, inFlight);
            const perMailbox = (inFlightPerMailbox.get(mailbox) ?? 0) + 1;
            inFlightPerMailbox.set(mailbox, perMailbox);
            maxPerMailbox = Math.max(maxPerMailbox, perMailbox);
            try {
                if (options.latencyMs) await time.sleep(options.latencyMs);
                const fault = options.batchFault?.(batches.length + 1, requests);
                const replies = new Map<string, ItemReply>();
                const batch: SentBatch = {
                    version,
                    mailbox,
                    ids: requests.map((r) => r.id),
                    startedAt,
                    endedAt: time.nowMs,
                    outcome: fault ? (fault instanceof GraphThrottled ? 'throttled' : 'failed') : 'answered',
                    replies,
                };
                batches.push(batch);
                if (fault) throw fault;
                const responses: Array<BatchAnswer['responses'][number]> = [];
                for (const item of [...requests].reverse()) {
                    const attempt = (attempts.get(item.id) ?? 0) + 1;
                    attempts.set(item.id, attempt);
                    if (options.omit?.(item, attempt)) continue;
                    const reply = script(item, attempt);
                    replies.set(item.id, reply);
                    responses.push({
                        id: item.id,
                        status: reply.status,
                        body: reply.body ?? { id: item.id },
                        ...(reply.retryAfterMs === undefined ? {} : { retryAfterMs: reply.retryAfterMs }),
                    });
                }
                return { responses };
            } finally {
                inFlight -= 1;
                inFlightPerMailbox.set(mailbox, (inFlightPerMailbox.get(mailbox) ?? 1) - 1);
            }
        },
    };
    return {
        graph,
        batches,
        get maxInFlight() {
            return maxInFlight;
        },
        get maxPerMailbox() {
            return maxPerMailbox;
        },
    };
}

function itemsFor(mailboxes: number, perMailbox: number, version: 'v1.0' | 'beta' = 'v1.0'): ItemLookup[] {
    const items: ItemLookup[] = [];
    for (let e = 0; e < perMailbox; e++) {
        for (let m = 0; m < mailboxes; m++) {
            const mailbox = `user${m}@contoso.test`;
            const id = `m${m}-e${e}`;
            items.push({ id, mailbox, version, target: eventAt(version, `/users/${mailbox}/events/${id}`) });
        }
    }
    return items;
}

/** A Graph whose batches stay in flight until the test answers them: concurrency seen without any timing. */
function heldGraph() {
    const held: Array<{ mailbox: string; answer: () => void }> = [];
    let maxInFlight = 0;
    const inFlightPerMailbox = new Map<string, number>();
    let maxPerMailbox = 0;
    const graph: GraphBatchPort = {
        async send(_version, requests): Promise<BatchAnswer> {
            const mailbox = requests[0]!.mailbox.toLowerCase();
            const perMailbox = (inFlightPerMailbox.get(mailbox) ?? 0) + 1;
            inFlightPerMailbox.set(mailbox, perMailbox);
            maxPerMailbox = Math.max(maxPerMailbox, perMailbox);
            await new Promise<void>((answer) => {
                held.push({ mailbox, answer });
                maxInFlight = Math.max(maxInFlight, held.length);
            });
            inFlightPerMailbox.set(mailbox, perMailbox - 1);
            return { responses: requests.map((r) => ({ id: r.id, status: 200, body: { id: r.id } })) };
        },
    };
    return {
        graph,
        held,
        /** Answers every batch in flight now. */
        answerAll(): void {
            for (const batch of held.splice(0)) batch.answer();
        },
        get maxInFlight() {
            return maxInFlight;
        },
        get maxPerMailbox() {
            return maxPerMailbox;
        },
    };
}

const options = (time: VirtualTime, extra: Partial<LookupOptions> = {}): LookupOptions => ({
    deadline: time.nowMs + 10 * 60_000,
    maxPerMailbox: 4,
    maxBatchesInFlight: 8,
    batchSize: 20,
    ...extra,
});

/** Every time an item was sent after being throttled: when it was told to wait until, and when it was resent. */
function resends(batches: readonly SentBatch[]): Array<{ id: string; waitUntil: number; resentAt: number }> {
    const out: Array<{ id: string; waitUntil: number; resentAt: number }> = [];
    const waitUntil = new Map<string, number>();
    const mailboxWait = new Map<string, number>();
    for (const batch of [...batches].sort((a, b) => a.startedAt - b.startedAt)) {
        for (const id of batch.ids) {
            const until = waitUntil.get(id);
            if (until !== undefined) out.push({ id, waitUntil: until, resentAt: batch.startedAt });
        }
        const largest = mailboxWait.get(batch.mailbox) ?? 0;
        expect(batch.startedAt).toBeGreaterThanOrEqual(largest);
        for (const [id, reply] of batch.replies) {
            if (reply.retryAfterMs !== undefined) {
                waitUntil.set(id, batch.endedAt + reply.retryAfterMs);
                mailboxWait.set(
                    batch.mailbox,
                    Math.max(mailboxWait.get(batch.mailbox) ?? 0, batch.endedAt + reply.retryAfterMs),
                );
            }
        }
    }
    return out;
}

describe('lookupMany', () => {
    it('groups by mailbox, sends ≤ 20 per batch, and returns every answer', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, {
            latencyMs: 100,
            script: (item) => (item.id.endsWith('-e3') ? { status: 404 } : { status: 200 }),
        });
        const items = itemsFor(3, 45);
        const report = await lookupMany(items, options(time), { graph: fake.graph, ...time });

        expect(report.unfinished).toEqual([]);
        expect(report.answers.size).toBe(135);
        expect(report.answers.get('m1-e3')).toEqual({ status: 404, body: { id: 'm1-e3' } });
        expect(report.answers.get('m2-e44')).toEqual({ status: 200, body: { id: 'm2-e44' } });
        // 45 per mailbox → 20 + 20 + 5, each batch one mailbox.
        expect(report.graphCalls).toBe(9);
        expect(fake.batches.map((b) => b.ids.length).sort((a, b) => b - a)).toEqual([20, 20, 20, 20, 20, 20, 5, 5, 5]);
        for (const batch of fake.batches) {
            expect(batch.ids.every((id) => id.startsWith(`m${batch.mailbox.slice(4, 5)}-`))).toBe(true);
        }
        expect(report.throttled).toBe(0);
        // In order within a mailbox: the first batch of user0 holds e0..e19.
        expect(fake.batches.find((b) => b.mailbox === 'user0@contoso.test')?.ids).toEqual(
            Array.from({ length: 20 }, (_, e) => `m0-e${e}`),
        );
    });

    it('keeps one batch in flight per mailbox and at most maxBatchesInFlight overall', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, { latencyMs: 250 });
        const report = await lookupMany(itemsFor(12, 50), options(time, { maxBatchesInFlight: 5 }), {
            graph: fake.graph,
            ...time,
        });
        expect(report.answers.size).toBe(600);
        expect(fake.maxPerMailbox).toBe(1);
        expect(fake.maxInFlight).toBe(5);
        expect(report.graphCalls).toBe(36);
    });

    it('with the default overall cap, 50 mailboxes have their 50 batches in flight at once', async () => {
        const time = new VirtualTime();
        const fake = heldGraph();
        const run = lookupMany(itemsFor(50, 40), options(time, { maxBatchesInFlight: defaultMaxBatchesInFlight }), {
            graph: fake.graph,
            ...time,
        });
        for (const wave of [1, 2]) {
            await until(`wave ${wave}: a batch in flight for each of the 50 mailboxes`, () =>
                fake.held.length === 50 ? true : undefined,
            );
            expect(new Set(fake.held.map((b) => b.mailbox)).size).toBe(50);
            fake.answerAll();
        }
        const report = await run;
        expect(report.answers.size).toBe(2_000);
        expect(report.graphCalls).toBe(100);
        expect(fake.maxInFlight).toBe(50);
        expect(fake.maxPerMailbox).toBe(1);
    });

    it('a low overall cap still binds: 50 mailboxes, 8 batches in flight at most', async () => {
        const time = new VirtualTime();
        const fake = heldGraph();
        const run = lookupMany(itemsFor(50, 20), options(time, { maxBatchesInFlight: 8 }), {
            graph: fake.graph,
            ...time,
        });
        let answered = 0;
        while (answered < 50) {
            const expected = Math.min(8, 50 - answered);
            await until(`${expected} batches in flight`, () => (fake.held.length === expected ? true : undefined));
            answered += expected;
            fake.answerAll();
        }
        const report = await run;
        expect(report.answers.size).toBe(1_000);
        expect(fake.maxInFlight).toBe(8);
        expect(fake.maxPerMailbox).toBe(1);
    });

    it('treats mailbox names case-insensitively and splits a mailbox by version', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, { latencyMs: 10 });
        const items: ItemLookup[] = [
            { id: 'a', mailbox: 'Alice@Contoso.test', version: 'v1.0', target: eventAt('v1.0', '/users/a/events/a') },
            { id: 'b', mailbox: 'alice@contoso.test', version: 'beta', target: eventAt('beta', '/users/a/events/b') },
            { id: 'c', mailbox: 'ALICE@contoso.test', version: 'v1.0', target: eventAt('v1.0', '/users/a/events/c') },
            { id: 'a', mailbox: 'alice@contoso.test', version: 'v1.0', target: eventAt('v1.0', '/users/a/events/a') },
        ];
        const report = await lookupMany(items, options(time), { graph: fake.graph, ...time });
        expect(report.answers.size).toBe(3);
        expect(fake.batches.map((b) => [b.version, b.ids])).toEqual([
            ['v1.0', ['a', 'c']],
            ['beta', ['b']],
        ]);
        expect(fake.maxPerMailbox).toBe(1);
    });

    it('cuts batches to maxPerMailbox when that is below Graph’s 4 per mailbox', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, { latencyMs: 10 });
        const report = await lookupMany(itemsFor(1, 7), options(time, { maxPerMailbox: 2 }), {
            graph: fake.graph,
            ...time,
        });
        expect(report.answers.size).toBe(7);
        expect(fake.batches.map((b) => b.ids.length)).toEqual([2, 2, 2, 1]);
    });

    it('resends per-item 429s in a later batch, never before the largest Retry-After of the mailbox', async () => {
        const time = new VirtualTime();
        // The first two attempts of every third item are throttled with different waits.
        const fake = fakeGraph(time, {
            latencyMs: 100,
            script: (item, attempt) => {
                const n = Number(item.id.split('-e')[1]);
                if (n % 3 === 0 && attempt <= 2) return { status: 429, retryAfterMs: 500 + (n % 7) * 300 };
                return { status: 200 };
            },
        });
        const report = await lookupMany(itemsFor(4, 30), options(time), { graph: fake.graph, ...time });

        expect(report.unfinished).toEqual([]);
        expect(report.answers.size).toBe(120);
        expect([...report.answers.values()].every((a) => a.status === 200)).toBe(true);
        // 10 items per mailbox throttled twice.
        expect(report.throttled).toBe(80);
        const again = resends(fake.batches);
        expect(again).toHaveLength(80);
        for (const resend of again) expect(resend.resentAt).toBeGreaterThanOrEqual(resend.waitUntil);
        // ...and in a later batch than the one that throttled it (a batch never holds an item twice).
        for (const batch of fake.batches) expect(new Set(batch.ids).size).toBe(batch.ids.length);
        expect(fake.maxPerMailbox).toBe(1);
    });

    it('backs off on 424 (old throttling) and on a 429 without Retry-After, and on items Graph left out', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, {
            latencyMs: 50,
            script: (item, attempt) => {
                if (item.id === 'm0-e1' && attempt <= 3) return { status: 424 };
                if (item.id === 'm0-e2' && attempt === 1) return { status: 429 };
                if (item.id === 'm0-e3' && attempt === 1) return { status: 503, retryAfterMs: 2_500 };
                return { status: 200 };
            },
            omit: (item, attempt) => item.id === 'm0-e4' && attempt === 1,
        });
        const start = time.nowMs;
        const report = await lookupMany(itemsFor(1, 6), options(time), { graph: fake.graph, ...time });
        expect(report.unfinished).toEqual([]);
        expect(report.answers.size).toBe(6);
        expect(report.throttled).toBe(5); // three 424s, one 429, one 503; the omitted item is not throttling
        // Batch 1 at start; max wait 2,500 ms (503) → batch 2 not before start+50+2500; 424 backoff 1 s, 2 s, 4 s.
        const starts = fake.batches.map((b) => b.startedAt - start);
        expect(starts[0]).toBe(0);
        expect(starts[1]).toBeGreaterThanOrEqual(2_550);
        expect(starts[2]! - (starts[1]! + 50)).toBeGreaterThanOrEqual(2_000);
        expect(starts[3]! - (starts[2]! + 50)).toBeGreaterThanOrEqual(4_000);
        expect(fake.batches).toHaveLength(4);
    });

    it('pauses a mailbox on a batch-level throttle, then resends the same items after Retry-After', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, {
            latencyMs: 100,
            batchFault: (n) => (n === 1 ? new GraphThrottled(3_000) : undefined),
        });
        const report = await lookupMany(itemsFor(2, 10), options(time), { graph: fake.graph, ...time });
        expect(report.unfinished).toEqual([]);
        expect(report.answers.size).toBe(20);
        const first = fake.batches[0]!;
        expect(first.outcome).toBe('throttled');
        const resent = fake.batches.find((b, i) => i > 0 && b.mailbox === first.mailbox)!;
        expect(resent.ids).toEqual(first.ids);
        expect(resent.startedAt).toBeGreaterThanOrEqual(first.endedAt + 3_000);
        // The other mailbox was not paused by the first throttle.
        const other = fake.batches.find((b) => b.mailbox !== first.mailbox)!;
        expect(other.startedAt).toBe(first.startedAt);
        expect(report.throttled).toBe(fake.batches.filter((b) => b.outcome === 'throttled').length);
        expect(report.graphCalls).toBe(fake.batches.length);
    });

    it('pauses every mailbox on a throttle with scope "all"', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time, {
            latencyMs: 100,
            batchFault: (n) => (n === 1 ? new GraphThrottled(5_000, 'all') : undefined),
        });
        const report = await lookupMany(itemsFor(3, 30), options(time, { maxBatchesInFlight: 1 }), {
            graph: fake.graph,
            ...time,
        });
        expect(report.answers.size).toBe(90);
        const pausedUntil = fake.batches[0]!.endedAt + 5_000;
        for (const batch of fake.batches.slice(1)) expect(batch.startedAt).toBeGreaterThanOrEqual(pausedUntil);
        expect(report.throttled).toBe(1);
        expect(report.graphCalls).toBe(7);
    });

    it('starts nothing whose wait ends after the deadline and returns those items as unfinished', async () => {
        const time = new VirtualTime();
        const deadline = time.nowMs + 5_000;
        const fake = fakeGraph(time, {
            latencyMs: 200,
            // user0: everything throttled for 60 s on the first try; user1: answers normally.
            script: (item, attempt) =>
                item.mailbox === 'user0@contoso.test' && attempt === 1
                    ? { status: 429, retryAfterMs: 60_000 }
                    : { status: 200 },
        });
        const items = itemsFor(2, 30);
        const report = await lookupMany(items, options(time, { deadline }), { graph: fake.graph, ...time });
        // user0: first 20 throttled (wait past the deadline); its last 10 never sent either.
        const user0 = items.filter((i) => i.mailbox === 'user0@contoso.test').map((i) => i.id);
        expect(report.unfinished).toEqual(user0);
        expect(report.answers.size).toBe(30);
        expect(fake.batches.filter((b) => b.mailbox === 'user0@contoso.test')).toHaveLength(1);
        expect(report.throttled).toBe(20);
        expect(time.nowMs).toBeLessThanOrEqual(deadline);
        for (const batch of fake.batches) expect(batch.endedAt).toBeLessThanOrEqual(deadline);
    });

    it('judges "can finish before the deadline" by the longest batch seen', async () => {
        const time = new VirtualTime();
        const deadline = time.nowMs + 1_000;
        const fake = fakeGraph(time, { latencyMs: 300 });
        const items = itemsFor(1, 100);
        const report = await lookupMany(items, options(time, { deadline }), { graph: fake.graph, ...time });
        // Batches at 0, 300, 600 end by 900; a fourth would end at 1,200.
        expect(report.graphCalls).toBe(3);
        expect(report.answers.size).toBe(60);
        expect(report.unfinished).toEqual(items.slice(60).map((i) => i.id));
    });

    it('stops cleanly on a failure other than throttling and reports it', async () => {
        const time = new VirtualTime();
        const boom = new Error('token endpoint down');
        const fake = fakeGraph(time, {
            latencyMs: 100,
            batchFault: (n) => (n === 3 ? boom : undefined),
        });
        const items = itemsFor(2, 40);
        const report = await lookupMany(items, options(time, { maxBatchesInFlight: 2 }), {
            graph: fake.graph,
            ...time,
        });
        expect(report.error).toBe(boom);
        expect(report.graphCalls).toBe(4); // batches 3 and 4 were in flight together
        expect(report.answers.size).toBe(60);
        expect(report.unfinished).toHaveLength(20);
    });

    it('returns at once for no items', async () => {
        const time = new VirtualTime();
        const fake = fakeGraph(time);
        const report = await lookupMany([], options(time), { graph: fake.graph, ...time });
        expect(report).toEqual({ answers: new Map(), unfinished: [], graphCalls: 0, throttled: 0 });
    });
});
