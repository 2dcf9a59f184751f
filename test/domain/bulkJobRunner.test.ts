import { ServiceUnavailableError } from '../../src/errors/appError';
import { UpstreamError } from '../../src/errors/upstreamError';
import type { SeriesMaster } from '../../src/domain/bulk/ports';
import { bob } from '../auth/fakes';
import { jobView } from '../../src/http/handlers/cancellationJobs';
import { jobHarness, meeting, startMs, tenantId } from '../support/bulkJobHarness';

const seriesMaster: SeriesMaster = {
    ...meeting('S', { type: 'seriesMaster', start: '2026-01-07T09:00:00.000Z', end: '2026-01-07T09:30:00.000Z' }),
    rangeStartDate: '2026-01-07',
    recurrence: { pattern: { type: 'weekly' }, range: { type: 'noEnd', startDate: '2026-01-07' } },
};
const occurrence = (day: string) =>
    meeting(`S-${day}`, {
        type: 'occurrence',
        seriesMasterId: 'S',
        start: `${day}T09:00:00.000Z`,
        end: `${day}T09:30:00.000Z`,
    });

function calendar() {
    return [
        meeting('ORG', { start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:00.000Z' }),
        meeting('INV', { isOrganizer: false, start: '2026-12-04T09:00:00.000Z', end: '2026-12-04T10:00:00.000Z' }),
        meeting('ALONE', { attendees: 0, start: '2026-12-05T09:00:00.000Z', end: '2026-12-05T10:00:00.000Z' }),
        occurrence('2026-12-02'),
        occurrence('2026-12-09'),
    ];
}

describe('a bulk cancellation job, worked from its queue', () => {
    it('plans, then writes each meeting once: a recorded cancel, a decline, a series end; skips are recorded too', async () => {
        const h = jobHarness(calendar(), { masters: [seriesMaster] });
        await h.create();
        await h.runToEnd();

        expect(h.graph.writes.sort()).toEqual([
            'cancel ORG Bob has left.',
            `decline ${bob.id} INV Bob has left.`,
            `endSeries ${bob.id} S 2026-12-01`,
        ]);
        const items = await h.items();
        expect(items.map((item) => [item.eventId, item.action, item.outcome])).toEqual([
            ['S', 'endSeries', 'succeeded'],
            ['ORG', 'cancel', 'succeeded'],
            ['INV', 'decline', 'succeeded'],
            ['ALONE', 'skip', 'skipped'],
        ]);
        const cancelled = items.find((item) => item.eventId === 'ORG')!;
        const record = await h.records.get(tenantId, cancelled.cancellationId!);
        expect(record?.value).toMatchObject({
            state: 'accepted',
            actor: { objectId: 'admin-app', basis: 'administrator' },
            resource: { resourceKey: `event|user:${bob.id}|ORG` },
        });
        await h.relay.drain(1_000);
        expect(h.notified.map((message) => message.type).sort()).toEqual([
            'cancellationJob.completed',
            'event.cancelled',
        ]);
        expect(await h.current()).toMatchObject({
            state: 'completed',
            startedAt: expect.any(String),
            finishedAt: expect.any(String),
        });
        expect(await h.jobs.countItems(tenantId, 'job1')).toMatchObject({
            total: 4,
            byAction: { cancel: 1, endSeries: 1, decline: 1, skip: 1 },
            byOutcome: { succeeded: 3, skipped: 1, pending: 0, inFlight: 0 },
            remainingWrites: 0,
        });
    });

    it('records Graph’s refusal on the meeting and goes on with the next', async () => {
        const h = jobHarness(calendar(), { masters: [seriesMaster] });
        h.graph.failNext.set('INV', new UpstreamError(400, 'ErrorInvalidRequest', 'Nope.', 'rejected', 'r1'));
        await h.create();
        await h.runToEnd();

        const items = await h.items();
        expect(items.find((item) => item.eventId === 'INV')).toMatchObject({
            outcome: 'failed',
            error: { status: 400, code: 'ErrorInvalidRequest', message: 'Nope.' },
        });
        expect(items.filter((item) => item.outcome === 'succeeded')).toHaveLength(2);
        expect((await h.current()).state).toBe('completed');
    });

    it('planned twice (a crash after planning) stores each meeting once', async () => {
        const h = jobHarness(calendar(), { masters: [seriesMaster] });
        await h.create();
        const addItems = h.jobs.addItems.bind(h.jobs);
        let plans = 0;
        // The first plan is stored, then the worker dies before marking the job running.
        h.jobs.addItems = async (items) => {
            await addItems(items);
            if (++plans === 1) throw new Error('host killed');
        };
        await expect(h.runToEnd()).rejects.toThrow('host killed');
        await h.runToEnd();

        expect(plans).toBe(2);
        expect(await h.items()).toHaveLength(4);
        expect(h.graph.writes).toHaveLength(3);
    });

    it('after a crash between the Graph write and its outcome: a cancel is settled from its record, a decline or series end is unknown and never sent again', async () => {
        const h = jobHarness(calendar(), { masters: [seriesMaster] });
        await h.create();
        // Each write reaches Graph, then the host dies before the meeting's outcome is stored: it stays claimed.
        const updateItem = h.jobs.updateItem.bind(h.jobs);
        const killed = new Set<string>();
        h.jobs.updateItem = async (item, etag) => {
            const written = item.outcome === 'succeeded' && !killed.has(item.eventId);
            if (written && item.claimedAt !== undefined) {
                killed.add(item.eventId);
                throw new Error('host killed');
            }
            return updateItem(item, etag);
        };
        for (let i = 0; i < 3; i += 1) await h.runToEnd(1).catch(() => undefined);
        expect(killed).toEqual(new Set(['S', 'ORG', 'INV']));
        h.jobs.updateItem = updateItem;
        await h.runToEnd();

        const items = await h.items();
        expect(items.map((item) => [item.eventId, item.outcome])).toEqual([
            ['S', 'unknown'],
            ['ORG', 'succeeded'],
            ['INV', 'unknown'],
            ['ALONE', 'skipped'],
        ]);
        // Graph saw one write per meeting: none was sent again after the crash.
        expect(h.graph.writes.map((w) => w.split(' ')[0]).sort()).toEqual(['cancel', 'decline', 'endSeries']);
        expect(items.find((item) => item.eventId === 'ORG')?.cancellationId).toBe('c1');
        expect((await h.current()).state).toBe('completed');
    });

    it('a stopped job starts no new meeting', async () => {
        const h = jobHarness(calendar(), { masters: [seriesMaster] });
        const created = await h.create();
        await h.jobs.updateJob({ ...created.value, state: 'stopped' }, created.etag);
        expect(await h.runToEnd()).toEqual(['gone']);
        expect(h.graph.writes).toEqual([]);
    });

    it('fails the job with Graph’s error when the calendar cannot be read, and writes nothing', async () => {
        const h = jobHarness(calendar());
        h.graph.calendarView = () =>
            Promise.reject(new UpstreamError(403, 'ErrorAccessDenied', 'Access is denied.', 'rejected', 'r1'));
        await h.create();
        await h.runToEnd();
        expect(await h.current()).toMatchObject({ state: 'failed', error: { status: 403, code: 'ErrorAccessDenied' } });
        expect(h.graph.writes).toEqual([]);
    });

    it('puts a meeting Graph throttled back, waits, and writes it once later', async () => {
        const h = jobHarness([meeting('A')]);
        h.graph.failNext.set('A', new UpstreamError(429, 'TooManyRequests', 'Slow down.', 'rejected', 'r1'));
        await h.create();
        const results = await h.runToEnd();

        expect(results).toEqual(['waiting', 'finished']);
        expect((await h.items())[0]).toMatchObject({ outcome: 'succeeded' });
        // The refused call and the one that went through.
        expect(h.graph.writes).toEqual(['cancel A Bob has left.', 'cancel A Bob has left.']);
    });

    it('waits out the Retry-After of throttling that outlasted the Graph client’s retries, loses nothing, writes once more', async () => {
        const h = jobHarness([meeting('INV', { isOrganizer: false })]);
        // What GraphClient answers when Graph's 429s outlast GRAPH_RETRY_DEADLINE_MS.
        h.graph.failNext.set('INV', new ServiceUnavailableError('Microsoft Graph is throttling.', 7));
        await h.create();
        await h.runToEnd(1);

        expect(await h.current()).toMatchObject({ state: 'running', pausedReason: 'throttled' });
        expect(h.queued.map((q) => q.visibleAtMs - h.now())).toEqual([7_000]);
        expect((await h.items())[0]).toMatchObject({ outcome: 'pending' });
        h.queued.splice(0);
        h.advance(7_000);
        await h.runToEnd();
        expect((await h.items())[0]).toMatchObject({ outcome: 'succeeded' });
        expect(await h.current()).toMatchObject({ state: 'completed' });
        expect(h.graph.writes).toHaveLength(2);
    });

    it('plans later when Graph throttles the calendar view, instead of failing the job', async () => {
        const h = jobHarness([meeting('A')]);
        const calendarView = h.graph.calendarView.bind(h.graph);
        let calls = 0;
        h.graph.calendarView = (...args) =>
            ++calls === 1 ? Promise.reject(new ServiceUnavailableError('Throttled.', 3)) : calendarView(...args);
        await h.create();
        const results = await h.runToEnd();
        expect(results).toEqual(['waiting', 'finished']);
        expect(await h.current()).toMatchObject({ state: 'completed' });
    });

    it('waits for a tenant slot when the tenant already runs its limit of jobs, then starts by itself', async () => {
        const h = jobHarness([meeting('ORG'), meeting('INV', { isOrganizer: false })], { maxRunningJobs: 2 });
        // Two older jobs of the tenant hold both slots (their own workers are not run here).
        const older = await Promise.all(
            ['old1', 'old2'].map((id, i) =>
                h.jobs.createJob({
                    ...h.job,
                    id,
                    state: 'running',
                    createdAt: new Date(startMs - (2 - i) * 60_000).toISOString(),
                }),
            ),
        );
        await h.create();
        await h.runToEnd(5);

        expect(h.graph.writes).toEqual([]);
        const waiting = await h.current();
        expect(waiting).toMatchObject({ state: 'running', pausedReason: 'tenantLimit' });
        expect(jobView(waiting)).toMatchObject({ state: 'running', pausedReason: 'tenantLimit' });
        // First in the line of waiting jobs: it looks again after the recheck delay.
        expect(h.queued.map((q) => q.visibleAtMs - h.now())).toEqual([30_000]);

        const [first] = older;
        await h.jobs.updateJob({ ...first!.value, state: 'completed' }, first!.etag);
        await h.runQueued();

        expect(h.graph.writes.sort()).toEqual([
            'cancel ORG Bob has left.',
            `decline ${h.job.userId} INV Bob has left.`,
        ]);
        const done = await h.current();
        expect(done.state).toBe('completed');
        expect(done.pausedReason).toBeUndefined();
    });

    it('a job further back in the line looks again less often', async () => {
        const h = jobHarness([meeting('ORG')], { maxRunningJobs: 1 });
        for (const [i, id] of ['old1', 'old2', 'old3'].entries()) {
            await h.jobs.createJob({ ...h.job, id, createdAt: new Date(startMs - (3 - i) * 60_000).toISOString() });
        }
        await h.create();
        await h.runToEnd(1);
        // One job holds the slot, two wait ahead of this one: three recheck delays.
        expect(h.queued.map((q) => q.visibleAtMs - h.now())).toEqual([90_000]);
        expect(h.graph.writes).toEqual([]);
    });
});
