import {
    emptyLedger,
    estimateFinish,
    grantToSendMarginMs,
    type PacingLedger,
    takeBudget,
} from '../../src/domain/bulk/pacing';
import { runJobSlice } from '../../src/domain/bulk/runJob';
import { UpstreamError } from '../../src/errors/upstreamError';
import { jobHarness, meetings, startMs, tenantId } from '../support/bulkJobHarness';

const minuteMs = 60_000;

/** The most of `times` (ms) in any 60 s window. */
function mostInAnyMinute(times: readonly number[]): number {
    return Math.max(0, ...times.map((at) => times.filter((t) => t >= at && t < at + minuteMs).length));
}

const limits = { messagesPerMinute: 3, recipientsPerDay: 10 };

/** Grants writes of `recipients` each at the given times (ms), returning the ledger and each decision. */
function grant(times: number[], recipients = 1, ledger: PacingLedger = emptyLedger) {
    const decisions = times.map((at) => {
        const decision = takeBudget(ledger, at, recipients, limits);
        if (decision.granted) ledger = decision.ledger;
        return decision;
    });
    return { ledger, decisions };
}

describe('takeBudget: a mailbox’s sending budget', () => {
    it('grants messagesPerMinute writes in any 60 s (and the send margin), then says when the oldest leaves it', () => {
        const { decisions } = grant([0, 10_000, 20_000, 30_000]);
        expect(decisions.map((d) => d.granted)).toEqual([true, true, true, false]);
        expect(decisions[3]).toEqual({
            granted: false,
            retryAfterMs: 30_000 + grantToSendMarginMs,
            reason: 'messagesPerMinute',
        });
        const { ledger } = grant([0, 10_000, 20_000]);
        expect(takeBudget(ledger, 60_001, 1, limits).granted).toBe(false);
        expect(takeBudget(ledger, 60_001 + grantToSendMarginMs, 1, limits).granted).toBe(true);
    });

    it('keeps writes that reach Graph later than granted within the limit: the margin absorbs the delay', () => {
        // Granted as fast as the budget allows; each reaches Graph 0 to 2 s after its grant, varying.
        const { ledger } = grant([0]);
        let current = ledger;
        const grantedAt = [0];
        for (let at = 1; grantedAt.length < 12; at += 1) {
            const decision = takeBudget(current, at, 1, limits);
            if (decision.granted) {
                current = decision.ledger;
                grantedAt.push(at);
            } else at += decision.retryAfterMs - 1;
        }
        const receivedAt = grantedAt.map((at, i) => at + (i % 2 === 0 ? grantToSendMarginMs : 0));
        for (const at of receivedAt) {
            expect(receivedAt.filter((t) => t >= at && t < at + minuteMs).length).toBeLessThanOrEqual(3);
        }
    });

    it('grants recipientsPerDay recipients in any 24 h, then waits for the oldest hour to age out', () => {
        const { ledger, decisions } = grant([0, 120_000, 240_000], 4);
        expect(decisions.map((d) => d.granted)).toEqual([true, true, false]);
        expect(decisions[2]).toEqual({
            granted: false,
            retryAfterMs: 25 * 3_600_000 - 240_000,
            reason: 'recipientsPerDay',
        });
        expect(takeBudget(ledger, 25 * 3_600_000, 4, limits).granted).toBe(true);
    });

    it('lets a meeting with more recipients than a day allows go alone, on an empty day', () => {
        expect(takeBudget(emptyLedger, 0, 50, limits).granted).toBe(true);
        const { ledger } = grant([0], 1);
        expect(takeBudget(ledger, 60_000, 50, limits)).toMatchObject({ granted: false, reason: 'recipientsPerDay' });
    });

    it('estimates the finish from the writes left at the message rate', () => {
        expect(estimateFinish(90, new Date(0), { messagesPerMinute: 30, recipientsPerDay: 1 })?.getTime()).toBe(
            3 * (60_000 + grantToSendMarginMs),
        );
        expect(estimateFinish(0, new Date(0), limits)).toBeUndefined();
    });
});

describe('a job paced by its mailbox’s budget (injected clock, no waiting)', () => {
    it('never makes more than BULK_MESSAGES_PER_MINUTE writes in any minute, and waits rather than drops', async () => {
        const h = jobHarness(meetings(10), { limits: { messagesPerMinute: 4 } });
        await h.create();
        const results = await h.runToEnd();

        expect(h.graph.writes).toHaveLength(10);
        const times = h.graph.writeTimes;
        for (const at of times) expect(times.filter((t) => t >= at && t < at + 60_000).length).toBeLessThanOrEqual(4);
        // Three minutes' budgets (each a minute and the send margin): 4 + 4 + 2, the job waiting (still running)
        // between them.
        expect(results.filter((r) => r === 'waiting')).toHaveLength(2);
        expect(times[times.length - 1]! - startMs).toBe(2 * (60_000 + grantToSendMarginMs));
        expect(await h.current()).toMatchObject({ state: 'completed' });
        expect((await h.items()).every((item) => item.outcome === 'succeeded')).toBe(true);
    });

    it('pauses when the day’s recipients are spent, says until when, resumes by itself, and finishes', async () => {
        const h = jobHarness(meetings(3, 4), { limits: { recipientsPerDay: 10 } });
        await h.create();
        await h.runToEnd(1);

        expect(h.graph.writes).toHaveLength(2);
        const paused = await h.current();
        expect(paused).toMatchObject({ state: 'paused', pausedReason: 'recipientsPerDay' });
        expect(Date.parse(paused.resumeAt!)).toBe(Math.floor(startMs / 3_600_000) * 3_600_000 + 25 * 3_600_000);
        // The job's message comes back when the budget allows, not before.
        expect(h.queued).toEqual([{ message: { tenantId, jobId: 'job1' }, visibleAtMs: Date.parse(paused.resumeAt!) }]);

        const rest = h.queued.splice(0);
        h.advance(rest[0]!.visibleAtMs - h.now());
        await h.runToEnd();
        expect(h.graph.writes).toHaveLength(3);
        expect(await h.current()).toMatchObject({ state: 'completed' });
        expect((await h.current()).resumeAt).toBeUndefined();
    });

    it('shares one budget between two jobs on the same mailbox', async () => {
        const h = jobHarness(meetings(4), { limits: { messagesPerMinute: 4 } });
        await h.create();
        await h.jobs.createJob({ ...h.job, id: 'job2' });
        h.queued.push({ message: { tenantId, jobId: 'job2' }, visibleAtMs: h.now() });
        await h.runToEnd();

        expect(h.graph.writes.length).toBeGreaterThanOrEqual(4);
        const times = h.graph.writeTimes;
        for (const at of times) expect(times.filter((t) => t >= at && t < at + 60_000).length).toBeLessThanOrEqual(4);
    });

    it('sustains at least 90 % of BULK_MESSAGES_PER_MINUTE when writes take time and the queue is slow to deliver', async () => {
        // 30 a minute; each write 500 ms, each message handed over 2 s after it is due (the host's polling).
        const h = jobHarness(meetings(80), {
            limits: { messagesPerMinute: 30 },
            writeMs: 500,
            deliveryLatencyMs: 2_000,
        });
        await h.create();
        await h.runToEnd();

        const times = h.graph.writeTimes;
        expect(times).toHaveLength(80);
        expect(mostInAnyMinute(times)).toBeLessThanOrEqual(30);
        // Every whole minute from the first write: the first spends the budget at once, the next keep using it.
        const wholeMinutes = Math.floor((times[times.length - 1]! - times[0]!) / minuteMs);
        const perMinute = Array.from({ length: wholeMinutes }, (_, minute) => {
            const from = times[0]! + minute * minuteMs;
            return times.filter((at) => at >= from && at < from + minuteMs).length;
        });
        expect(perMinute.length).toBeGreaterThanOrEqual(2);
        expect(perMinute.filter((written) => written < 0.9 * 30)).toEqual([]);
        expect(await h.current()).toMatchObject({ state: 'completed' });
    });

    it('honours the Retry-After of a write Graph throttled: nothing is written before it, the meeting once after', async () => {
        const h = jobHarness(meetings(3));
        const throttled = new UpstreamError(
            429,
            'ApplicationThrottled',
            'Mailbox has exceeded its message submission rate limit.',
            'rejected',
            'r1',
            { 'Retry-After': '20' },
        );
        h.graph.failNext.set('M001', throttled);
        await h.create();
        await h.runToEnd(1);

        expect(h.graph.writes).toHaveLength(2);
        expect(h.queued.map((q) => q.visibleAtMs - h.now())).toEqual([20_000]);
        const refusedAt = h.now();
        await h.runToEnd();
        const after = h.graph.writeTimes.slice(2);
        expect(after.every((at) => at >= refusedAt + 20_000)).toBe(true);
        expect(await h.current()).toMatchObject({ state: 'completed' });
        expect((await h.items()).map((item) => item.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded']);
        // M001 refused once, then written once; the others once each.
        expect(h.graph.writes.filter((w) => w.startsWith('cancel M001'))).toHaveLength(2);
        expect(h.graph.writes).toHaveLength(4);
    });

    it('keeps one write of a job in flight at a time, so four jobs on one mailbox stay within Outlook’s 4', async () => {
        const h = jobHarness(meetings(12), { limits: { messagesPerMinute: 100 } });
        // Four jobs on one mailbox, each over three days of its calendar (the meetings fall one a day from 2 December).
        const window = (job: number) => ({
            start: new Date(Date.parse('2026-12-02T00:00:00.000Z') + job * 3 * 86_400_000).toISOString(),
            end: new Date(Date.parse('2026-12-02T00:00:00.000Z') + (job + 1) * 3 * 86_400_000).toISOString(),
        });
        // Each write answers a turn of the event loop later, so the jobs' writes overlap when they can.
        h.graph.beforeAnswer = () => new Promise((resolve) => setImmediate(resolve));
        const jobIds = ['job1', 'job2', 'job3', 'job4'];
        for (const [n, id] of jobIds.entries()) {
            await h.jobs.createJob({ ...h.job, id, request: { ...h.job.request, window: window(n) } });
        }
        await Promise.all(jobIds.map((jobId) => runJobSlice(h.deps, { tenantId, jobId })));

        expect(h.graph.writes).toHaveLength(12);
        expect(h.graph.maxInFlight).toBeGreaterThan(1);
        expect(h.graph.maxInFlight).toBeLessThanOrEqual(4);
        for (const id of jobIds) expect((await h.jobs.getJob(tenantId, id))?.value.state).toBe('completed');
    });
});
