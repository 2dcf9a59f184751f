import { emptyLedger, estimateFinish, type PacingLedger, takeBudget } from '../../src/domain/bulk/pacing';
import { jobHarness, meetings, startMs, tenantId } from '../support/bulkJobHarness';

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
    it('grants messagesPerMinute writes in any 60 s, then says when the oldest leaves the minute', () => {
        const { decisions } = grant([0, 10_000, 20_000, 30_000]);
        expect(decisions.map((d) => d.granted)).toEqual([true, true, true, false]);
        expect(decisions[3]).toEqual({ granted: false, retryAfterMs: 30_000, reason: 'messagesPerMinute' });
        const { ledger } = grant([0, 10_000, 20_000]);
        expect(takeBudget(ledger, 60_001, 1, limits).granted).toBe(true);
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
            180_000,
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
        // Three minutes' budgets: 4 + 4 + 2, the job waiting (still running) between them.
        expect(results.filter((r) => r === 'waiting')).toHaveLength(2);
        expect(times[times.length - 1]! - startMs).toBe(120_000);
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
});
