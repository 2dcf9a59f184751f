import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import { CancellationAlreadyExists, TableCancellationStore } from '../../src/adapters/tables/cancellationStore';
import { partitionKeyOf, recordRowKey } from '../../src/adapters/tables/cancellationEntity';
import type { CancellationRecord, Recipient } from '../../src/domain/cancellation/record';
import { ItemClaimed } from '../../src/domain/cancellation/store';
import { BadRequestError } from '../../src/errors/appError';
import { testStorageConnectionString } from '../support/storage';
import { at, countReads, forEachLimited, type ReadCounter, sampleRecord, uniqueName } from './fixtures';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';

let client: TableClient;
let store: TableCancellationStore;
let reads: ReadCounter;

beforeAll(async () => {
    client = createTableClient(testStorageConnectionString(), uniqueName('cancellations'));
    reads = countReads(client);
    store = new TableCancellationStore(client);
    await client.createTable();
});

afterAll(async () => {
    await client.deleteTable();
});

function tenant(): string {
    return randomUUID();
}

async function rowKeysOf(tenantId: string): Promise<string[]> {
    const keys: string[] = [];
    const filter = `PartitionKey eq '${partitionKeyOf(tenantId)}'`;
    for await (const entity of client.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) {
        keys.push(entity.rowKey ?? '');
    }
    return keys;
}

describe('TableCancellationStore: records', () => {
    test('round-trips a full record, unicode and special characters included', async () => {
        const audience: Recipient[] = [
            { name: 'Zoë Ångström 👩‍💻', address: 'zoe@contoso.com', type: 'required', response: 'accepted' },
            { name: '渡辺 健', address: 'ken@contoso.com', type: 'optional', response: 'none' },
            { address: 'room-1@contoso.com', type: 'resource' },
            { name: 'Customer / #1?', address: 'c@example.org', type: 'customer', phone: '+1 555 0100' },
        ];
        const record = sampleRecord({
            id: 'id/with#odd?chars\\and ünïcode',
            tenantId: tenant(),
            kind: 'bookingAppointment',
            state: 'accepted',
            createdAt: '2026-03-01T10:00:00.000Z',
            updatedAt: '2026-03-01T10:00:01.500Z',
            actor: {
                kind: 'user',
                objectId: 'aaaaaaaa-0000-0000-0000-000000000009',
                userPrincipalName: 'adele@contoso.com',
                appId: 'client-app',
                basis: 'delegate',
            },
            resource: {
                version: 'beta',
                graphPath: '/bookingBusinesses/biz%40contoso.com/appointments/A1==',
                resourceKey: 'booking:biz@contoso.com/A1==',
                mailbox: 'biz@contoso.com',
                businessId: 'biz@contoso.com',
                appointmentId: 'A1==',
                eventType: 'singleInstance',
                seriesMasterId: 'master-1',
                iCalUId: 'ical-1',
                subject: 'Réunion — «budget» 📅',
                start: '2026-03-02T09:00:00.000Z',
                end: '2026-03-02T09:30:00.000Z',
            },
            comment: 'Désolé, annulé 🙏\nnew line',
            cancellationMessage: 'The appointment was cancelled.',
            audience,
            graphRequestIds: ['req-1', 'req-2'],
            attempts: 2,
            lastError: { status: 503, code: 'serviceNotAvailable', message: 'try later' },
            notificationPending: true,
            nextCheckAt: '2026-03-01T10:05:00.000Z',
        });
        const created = await store.create(record);
        expect(created.value).toEqual(record);
        expect(created.etag).toBeTruthy();

        const read = await store.get(record.tenantId, record.id);
        expect(read?.value).toEqual(record);
        expect(read?.etag).toBe(created.etag);
        expect(await store.get(tenant(), record.id)).toBeNull();
        expect(await store.get(record.tenantId, 'other')).toBeNull();
    });

    test("reads a record written before the actor's basis was kept: no basis, nothing else lost", async () => {
        const record = sampleRecord({ tenantId: tenant(), state: 'accepted' });
        await store.create(record);
        // Rewrite the stored actor as an older gateway wrote it (the same JSON, without `basis`).
        const key = { partitionKey: partitionKeyOf(record.tenantId), rowKey: recordRowKey(record.id) };
        const older = { kind: 'user', objectId: record.actor.objectId, appId: record.actor.appId };
        await client.updateEntity({ ...key, actor: JSON.stringify(older) }, 'Merge');

        const read = await store.get(record.tenantId, record.id);
        expect(read?.value).toEqual({ ...record, actor: older });
        expect(read?.value.actor.basis).toBeUndefined();
    });

    test("round-trips an event's immutable id and reconciliation's last finding; older rows read without them", async () => {
        const base = sampleRecord({ tenantId: tenant(), state: 'verified' });
        const record: CancellationRecord = {
            ...base,
            resource: { ...base.resource, eventId: 'AAMkAD-regular=', immutableId: 'AAkALg-immutable=' },
            lastFinding: 'inDeletedItems',
        };
        await store.create(record);
        expect((await store.get(record.tenantId, record.id))?.value).toEqual(record);

        // A row an older gateway wrote: the resource JSON without `immutableId`, no `lastFinding` property.
        const older = sampleRecord({ tenantId: tenant(), state: 'accepted' });
        await store.create(older);
        const read = (await store.get(older.tenantId, older.id))?.value;
        expect(read).toEqual(older);
        expect(read?.resource.immutableId).toBeUndefined();
        expect(read?.lastFinding).toBeUndefined();
    });

    test('500 attendees with long names round-trip through split properties', async () => {
        const audience: Recipient[] = Array.from({ length: 500 }, (_, i) => ({
            name: `Attendee ${i} ${'Ł'.repeat(100)}`,
            address: `attendee.${i}.${'x'.repeat(60)}@contoso.com`,
            type: 'required',
            response: 'accepted',
        }));
        const record = sampleRecord({ tenantId: tenant(), audience, comment: '💬'.repeat(20_000) });
        await store.create(record);
        expect((await store.get(record.tenantId, record.id))?.value).toEqual(record);

        const raw = await client.getEntity<Record<string, unknown>>(
            partitionKeyOf(record.tenantId),
            recordRowKey(record.id),
        );
        expect(raw.audience_parts).toBeGreaterThan(1);
        expect(raw.comment_parts).toBe(2); // 40,000 UTF-16 units, split between surrogate pairs
        for (const value of Object.values(raw)) {
            if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(32 * 1024);
        }
        expect(raw.audienceOmitted).toBe(0);
    });

    test('an audience too large for one entity keeps the first recipients and records how many were dropped', async () => {
        const audience: Recipient[] = Array.from({ length: 3000 }, (_, i) => ({
            name: `Attendee ${i} ${'n'.repeat(150)}`,
            address: `a${i}@contoso.com`,
            type: 'optional',
        }));
        const record = sampleRecord({ tenantId: tenant(), audience });
        const created = await store.create(record);
        const stored = (await store.get(record.tenantId, record.id))?.value;
        expect(stored?.audience.length).toBeLessThan(3000);
        expect(stored?.audience.length).toBeGreaterThan(1000);
        expect(stored?.audience).toEqual(audience.slice(0, stored?.audience.length));
        expect(created.value).toEqual(stored);
        const raw = await client.getEntity<Record<string, unknown>>(
            partitionKeyOf(record.tenantId),
            recordRowKey(record.id),
        );
        expect(raw.audienceCount).toBe(3000);
        expect(raw.audienceOmitted).toBe(3000 - (stored?.audience.length ?? 0));
    });

    test('creating an existing id fails clearly and changes nothing', async () => {
        const record = sampleRecord({ tenantId: tenant() });
        await store.create(record);
        await expect(store.create({ ...record, state: 'accepted' })).rejects.toThrow(CancellationAlreadyExists);
        expect((await store.get(record.tenantId, record.id))?.value.state).toBe('pending');
    });

    test('update with a stale ETag is a ConcurrencyConflict (two writers)', async () => {
        const record = sampleRecord({ tenantId: tenant(), nextCheckAt: at(5) });
        const created = await store.create(record);
        const writerA = await store.get(record.tenantId, record.id);
        const writerB = await store.get(record.tenantId, record.id);
        if (writerA === null || writerB === null) throw new Error('not found');

        const a = await store.update(
            { ...writerA.value, state: 'accepted', attempts: 1, nextCheckAt: at(10) },
            writerA.etag,
        );
        expect(a.etag).not.toBe(created.etag);
        await expect(
            store.update({ ...writerB.value, state: 'failed', nextCheckAt: undefined }, writerB.etag),
        ).rejects.toThrow(ConcurrencyConflict);

        const now = await store.get(record.tenantId, record.id);
        expect(now?.value.state).toBe('accepted');
        expect(now?.etag).toBe(a.etag);
        // The ETag returned by update is the one to use next.
        const again = await store.update({ ...a.value, state: 'verified', nextCheckAt: undefined }, a.etag);
        expect(again.value.state).toBe('verified');
        // The failed writer left no index rows behind.
        expect((await rowKeysOf(record.tenantId)).filter((k) => k.includes('failed'))).toEqual([]);
    });

    test('an update that moves no index row (a flag) is still conditional and returns the next ETag', async () => {
        const record = sampleRecord({ tenantId: tenant(), state: 'accepted', nextCheckAt: at(5) });
        const created = await store.create({ ...record, notificationPending: true });
        const keysBefore = await rowKeysOf(record.tenantId);

        const cleared = await store.update({ ...record, notificationPending: false }, created.etag);
        expect(cleared.etag).not.toBe(created.etag);
        await expect(store.update({ ...record, notificationPending: true }, created.etag)).rejects.toThrow(
            ConcurrencyConflict,
        );
        const again = await store.update({ ...record, comment: 'second' }, cleared.etag);
        expect((await store.get(record.tenantId, record.id))?.value).toMatchObject({
            notificationPending: false,
            comment: 'second',
        });
        expect(again.etag).toBe((await store.get(record.tenantId, record.id))?.etag);
        expect(await rowKeysOf(record.tenantId)).toEqual(keysBefore);
    });

    test('concurrent updates from the same version: exactly one wins', async () => {
        const record = sampleRecord({ tenantId: tenant() });
        const created = await store.create(record);
        const results = await Promise.allSettled(
            (['accepted', 'failed', 'verified', 'drifted'] as const).map((state) =>
                store.update({ ...record, state }, created.etag),
            ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyConflict);
        const keys = await rowKeysOf(record.tenantId);
        expect(keys.filter((k) => k.startsWith('byState_'))).toHaveLength(1);
    });

    test('index rows follow state and nextCheckAt changes in the same transaction', async () => {
        const tenantId = tenant();
        const record = sampleRecord({ tenantId, nextCheckAt: at(5) });
        const created = await store.create(record);
        const keysBefore = await rowKeysOf(tenantId);
        expect(keysBefore.filter((k) => k.startsWith('byState_pending_'))).toHaveLength(1);
        expect(keysBefore.filter((k) => k.startsWith('due_'))).toHaveLength(1);
        expect(keysBefore).toHaveLength(7); // record, res, due, all, byActor, byState, byActorState

        const updated = await store.update({ ...record, state: 'accepted', nextCheckAt: at(30) }, created.etag);
        const listQuery = { tenantId, pageSize: 10 };
        expect((await store.list({ ...listQuery, state: 'pending' })).items).toEqual([]);
        expect(
            (await store.list({ ...listQuery, state: 'pending', actorObjectId: record.actor.objectId })).items,
        ).toEqual([]);
        expect((await store.list({ ...listQuery, state: 'accepted' })).items).toEqual([updated.value]);
        expect(
            (await store.list({ ...listQuery, state: 'accepted', actorObjectId: record.actor.objectId })).items,
        ).toEqual([updated.value]);
        expect(await store.listDue(tenantId, at(10), 10)).toEqual([]);
        expect((await store.listDue(tenantId, at(30), 10)).map((s) => s.value.id)).toEqual([record.id]);

        await store.update({ ...updated.value, state: 'verified', nextCheckAt: undefined }, updated.etag);
        const keysAfter = await rowKeysOf(tenantId);
        expect(keysAfter).toHaveLength(6);
        expect(keysAfter.filter((k) => k.startsWith('due_'))).toEqual([]);
        expect(keysAfter.filter((k) => k.startsWith('byState_'))).toEqual([
            expect.stringMatching(/^byState_verified_/) as unknown as string,
        ]);
    });
});

describe('TableCancellationStore: findByResource and the item pointer', () => {
    test('the pointer names the item record, scoped to the tenant; a new record replaces it only as asked', async () => {
        const tenantId = tenant();
        const resourceKey = 'users/u1/events/AAMk/+=?#';
        const first = sampleRecord({ tenantId, createdAt: at(0) });
        const second = sampleRecord({ tenantId, createdAt: at(1) });
        await store.create({ ...first, resource: { ...first.resource, resourceKey } });
        expect((await store.findByResource(tenantId, resourceKey))?.value.id).toBe(first.id);
        // Another record may not take the item while the first holds it: nothing is written.
        await expect(store.create({ ...second, resource: { ...second.resource, resourceKey } })).rejects.toBeInstanceOf(
            ItemClaimed,
        );
        expect(await store.get(tenantId, second.id)).toBeNull();
        // Superseding the record the pointer names (e.g. a failed one) moves the pointer.
        await store.create({ ...second, resource: { ...second.resource, resourceKey } }, first.id);
        expect((await store.findByResource(tenantId, resourceKey))?.value.id).toBe(second.id);
        const third = sampleRecord({ tenantId, createdAt: at(2) });
        // Superseding a record the pointer no longer names fails (someone else superseded it first).
        await expect(
            store.create({ ...third, resource: { ...third.resource, resourceKey } }, first.id),
        ).rejects.toBeInstanceOf(ItemClaimed);
        expect(await store.findByResource(tenantId, 'users/u1/events/other')).toBeNull();
        expect(await store.findByResource(tenant(), resourceKey)).toBeNull();
    });

    test('of two concurrent first records for one item exactly one is written', async () => {
        const tenantId = tenant();
        const resourceKey = 'event|user:u1|AAMk-race';
        const candidates = [0, 1, 2].map((i) => {
            const record = sampleRecord({ tenantId, createdAt: at(i) });
            return { ...record, resource: { ...record.resource, resourceKey } };
        });
        const results = await Promise.allSettled(candidates.map((record) => store.create(record)));
        const written = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.value.id] : []));
        expect(written).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ItemClaimed);
        expect((await store.findByResource(tenantId, resourceKey))?.value.id).toBe(written[0]);
        expect((await rowKeysOf(tenantId)).filter((k) => k.startsWith('rec_'))).toHaveLength(1);
    });

    test("a record's actor may change: its per-caller list rows move in the same transaction", async () => {
        const tenantId = tenant();
        const record = sampleRecord({ tenantId, state: 'pending' });
        const created = await store.create(record);
        const bob = { kind: 'user' as const, objectId: 'bob-oid', appId: 'app' };
        const moved = await store.update({ ...record, actor: bob, state: 'accepted' }, created.etag);
        const listQuery = { tenantId, pageSize: 10 };
        expect((await store.list({ ...listQuery, actorObjectId: record.actor.objectId })).items).toEqual([]);
        expect((await store.list({ ...listQuery, actorObjectId: 'bob-oid' })).items).toEqual([moved.value]);
        expect((await store.list({ ...listQuery, actorObjectId: 'bob-oid', state: 'accepted' })).items).toEqual([
            moved.value,
        ]);
        expect(await rowKeysOf(tenantId)).toHaveLength(6); // record, res, all, byActor, byState, byActorState
    });
});

describe('TableCancellationStore: list', () => {
    const tenantId = randomUUID();
    const alice = 'alice-oid';
    const bob = 'bob-oid';
    const records: CancellationRecord[] = Array.from({ length: 25 }, (_, i) =>
        sampleRecord({
            id: `r${String(i).padStart(2, '0')}`,
            tenantId,
            createdAt: at(i),
            updatedAt: at(i),
            state: i % 3 === 0 ? 'failed' : 'verified',
            actor: { kind: 'user', objectId: i % 2 === 0 ? alice : bob, appId: 'app' },
        }),
    );
    const newestFirst = [...records].reverse();

    beforeAll(async () => {
        await forEachLimited(records, 8, (record) => store.create(record));
    });

    async function all(query: Omit<Parameters<TableCancellationStore['list']>[0], 'tenantId'>) {
        const pages: string[][] = [];
        let continuationToken: string | undefined;
        do {
            const page = await store.list({ ...query, tenantId, continuationToken });
            pages.push(page.items.map((r) => r.id));
            continuationToken = page.continuationToken;
        } while (continuationToken !== undefined);
        return pages;
    }

    test('pages newest first with continuation tokens, reading one page of index rows each', async () => {
        reads.reset();
        const first = await store.list({ tenantId, pageSize: 10 });
        // 11 index rows (one more than a page, to know there is a next one) + 10 point reads.
        expect(reads.entities).toBe(21);
        expect(first.items.map((r) => r.id)).toEqual(newestFirst.slice(0, 10).map((r) => r.id));
        expect(first.items[0]).toEqual(records[24]);

        const pages = await all({ pageSize: 10 });
        expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
        expect(pages.flat()).toEqual(newestFirst.map((r) => r.id));
        expect((await all({ pageSize: 25 })).map((p) => p.length)).toEqual([25]);
    });

    test('by caller, by state, by both', async () => {
        const ids = (filter: (r: CancellationRecord) => boolean) => newestFirst.filter(filter).map((r) => r.id);
        expect((await all({ pageSize: 4, actorObjectId: alice })).flat()).toEqual(
            ids((r) => r.actor.objectId === alice),
        );
        expect((await all({ pageSize: 4, state: 'failed' })).flat()).toEqual(ids((r) => r.state === 'failed'));
        expect((await all({ pageSize: 2, state: 'failed', actorObjectId: bob })).flat()).toEqual(
            ids((r) => r.state === 'failed' && r.actor.objectId === bob),
        );
        expect((await all({ pageSize: 5, actorObjectId: 'nobody' })).flat()).toEqual([]);
    });

    test('since keeps records created at or after it and stops there', async () => {
        const since = at(20);
        const pages = await all({ pageSize: 3, since });
        expect(pages.flat()).toEqual(['r24', 'r23', 'r22', 'r21', 'r20']);
        reads.reset();
        await store.list({ tenantId, pageSize: 100, since, state: 'verified' });
        // r20, r22, r23 are verified (r21, r24 failed): 3 index rows + 3 point reads, no older history.
        expect(reads.entities).toBe(6);
        expect((await all({ pageSize: 10, since, actorObjectId: alice, state: 'verified' })).flat()).toEqual([
            'r22',
            'r20',
        ]);
    });

    test('a token from another query or garbage is a 400, not a crash', async () => {
        const page = await store.list({ tenantId, pageSize: 2, state: 'failed' });
        expect(page.continuationToken).toBeDefined();
        await expect(
            store.list({ tenantId, pageSize: 2, state: 'verified', continuationToken: page.continuationToken }),
        ).rejects.toThrow(BadRequestError);
        await expect(store.list({ tenantId, pageSize: 2, continuationToken: 'not a token' })).rejects.toThrow(
            BadRequestError,
        );
    });
});
