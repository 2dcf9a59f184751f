import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { TableBulkJobStore } from '../../src/adapters/tables/bulkJobStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { BulkJob, JobItem } from '../../src/domain/bulk/job';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';

let client: TableClient;
let store: TableBulkJobStore;

beforeAll(() => {
    client = createTableClient(testStorageConnectionString(), uniqueName('cancellationjobs'));
    store = new TableBulkJobStore(client);
});

afterAll(async () => {
    await client.deleteTable();
});

function job(tenantId: string, overrides: Partial<BulkJob> = {}): BulkJob {
    return {
        id: randomUUID(),
        tenantId,
        state: 'planning',
        request: {
            mailbox: 'dana@contoso.test',
            window: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
            organized: 'cancel',
            series: 'endBeforeWindow',
            invited: 'decline',
        },
        userId: randomUUID(),
        userPrincipalName: 'dana@contoso.test',
        actor: { kind: 'app', objectId: 'o', appId: 'a', basis: 'administrator' },
        createdAt: '2026-11-30T08:00:00.000Z',
        updatedAt: '2026-11-30T08:00:00.000Z',
        ...overrides,
    };
}

function item(of: BulkJob, eventId: string, day: number, overrides: Partial<JobItem> = {}): JobItem {
    const start = `2026-12-${String(day).padStart(2, '0')}T09:00:00.000Z`;
    return {
        tenantId: of.tenantId,
        jobId: of.id,
        eventId,
        subject: eventId,
        start,
        end: start,
        type: 'singleInstance',
        isOrganizer: true,
        attendees: 2,
        action: 'cancel',
        outcome: 'pending',
        ...overrides,
    };
}

describe('TableBulkJobStore on Azurite', () => {
    it('stores a job and refuses a change made on a stale ETag', async () => {
        const created = await store.createJob(job(randomUUID()));
        const running = await store.updateJob({ ...created.value, state: 'running' }, created.etag);
        await expect(store.updateJob({ ...created.value, state: 'stopped' }, created.etag)).rejects.toBeInstanceOf(
            ConcurrencyConflict,
        );
        expect((await store.getJob(created.value.tenantId, created.value.id))?.value.state).toBe('running');
        expect(running.etag).not.toBe(created.etag);
    });

    it('lists a tenant’s jobs newest first, and no other tenant’s', async () => {
        const tenantId = randomUUID();
        await store.createJob(job(tenantId, { id: 'older', createdAt: '2026-11-01T00:00:00.000Z' }));
        await store.createJob(job(tenantId, { id: 'newer', createdAt: '2026-11-02T00:00:00.000Z' }));
        await store.createJob(job(randomUUID()));
        expect((await store.listJobs(tenantId, 10)).map((j) => j.id)).toEqual(['newer', 'older']);
    });

    it('lists a tenant’s unfinished jobs (planning, running, paused), and no ended or other tenant’s job', async () => {
        const tenantId = randomUUID();
        for (const state of ['planning', 'running', 'paused', 'completed', 'stopped', 'failed'] as const) {
            await store.createJob(job(tenantId, { id: state, state }));
        }
        await store.createJob(job(randomUUID(), { state: 'running' }));
        const unfinished = await store.listUnfinishedJobs(tenantId);
        expect(unfinished.map((j) => j.id).sort()).toEqual(['paused', 'planning', 'running']);
    });

    it('finds the jobs whose notifications are still owed, and no longer once they are cleared', async () => {
        const tenantId = randomUUID();
        const owed = { type: 'cancellationJob.completed' as const, occurredAt: '2026-11-30T09:00:00.000Z' };
        const owing = await store.createJob(job(tenantId, { state: 'completed', eventsOwed: [owed] }));
        await store.createJob(job(tenantId, { state: 'running' }));
        await store.createJob(job(randomUUID(), { state: 'completed', eventsOwed: [owed] }));

        const found = await store.listJobsOwingEvents(tenantId);
        expect(found.map((stored) => [stored.value.id, stored.value.eventsOwed])).toEqual([[owing.value.id, [owed]]]);
        await store.updateJob({ ...owing.value, eventsOwed: undefined }, found[0]!.etag);
        expect(await store.listJobsOwingEvents(tenantId)).toEqual([]);
    });

    it('adds each item once, hands out open ones in start order, claims with ETags, filters and pages by outcome, counts', async () => {
        const owner = job(randomUUID());
        await store.addItems([
            item(owner, 'B', 5),
            item(owner, 'A', 3),
            item(owner, 'S', 4, { action: 'skip', outcome: 'skipped' }),
        ]);
        await store.addItems([item(owner, 'A', 3, { outcome: 'succeeded' })]);

        const first = await store.nextOpenItem(owner.tenantId, owner.id);
        expect(first?.value).toMatchObject({ eventId: 'A', outcome: 'pending' });
        const claimed = await store.updateItem({ ...first!.value, outcome: 'inFlight' }, first!.etag);
        await expect(store.updateItem({ ...first!.value, outcome: 'inFlight' }, first!.etag)).rejects.toBeInstanceOf(
            ConcurrencyConflict,
        );
        expect((await store.nextOpenItem(owner.tenantId, owner.id))?.value.eventId).toBe('A');
        await store.updateItem({ ...claimed.value, outcome: 'succeeded', cancellationId: 'c1' }, claimed.etag);
        expect((await store.nextOpenItem(owner.tenantId, owner.id))?.value.eventId).toBe('B');

        const page = await store.listItems({ tenantId: owner.tenantId, jobId: owner.id, pageSize: 2 });
        expect(page.items.map((i) => i.eventId)).toEqual(['A', 'S']);
        const rest = await store.listItems({
            tenantId: owner.tenantId,
            jobId: owner.id,
            pageSize: 2,
            continuationToken: page.continuationToken,
        });
        expect(rest).toEqual({ items: [expect.objectContaining({ eventId: 'B' })], continuationToken: undefined });
        const succeeded = await store.listItems({
            tenantId: owner.tenantId,
            jobId: owner.id,
            outcome: 'succeeded',
            pageSize: 10,
        });
        expect(succeeded.items).toEqual([expect.objectContaining({ eventId: 'A', cancellationId: 'c1' })]);

        expect(await store.countItems(owner.tenantId, owner.id)).toEqual({
            total: 3,
            byAction: { cancel: 2, endSeries: 0, decline: 0, skip: 1 },
            byOutcome: { pending: 1, inFlight: 0, succeeded: 1, failed: 0, skipped: 1, unknown: 0 },
            remainingWrites: 1,
        });
    });

    it('keeps a mailbox’s pacing ledger with ETags', async () => {
        const tenantId = randomUUID();
        await store.saveLedger(tenantId, 'u1', { sentAtMs: [1], hourlyRecipients: [[0, 2]] }, undefined);
        const stored = await store.getLedger(tenantId, 'u1');
        expect(stored?.value).toEqual({ sentAtMs: [1], hourlyRecipients: [[0, 2]] });
        await expect(
            store.saveLedger(tenantId, 'u1', { sentAtMs: [], hourlyRecipients: [] }, undefined),
        ).rejects.toBeInstanceOf(ConcurrencyConflict);
        await store.saveLedger(tenantId, 'u1', { sentAtMs: [2], hourlyRecipients: [] }, stored!.etag);
        await expect(
            store.saveLedger(tenantId, 'u1', { sentAtMs: [3], hourlyRecipients: [] }, stored!.etag),
        ).rejects.toBeInstanceOf(ConcurrencyConflict);
    });
});
