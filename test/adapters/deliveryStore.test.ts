import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { TableDeliveryStore } from '../../src/adapters/tables/deliveryStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import { escapeKeyPart } from '../../src/adapters/tables/tableKeys';
import type { Delivery } from '../../src/domain/webhooks/delivery';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';

let client: TableClient;
let store: TableDeliveryStore;

beforeAll(() => {
    client = createTableClient(testStorageConnectionString(), uniqueName('deliveries'));
    store = new TableDeliveryStore(client);
});

afterAll(async () => {
    await client.deleteTable();
});

/** The n-th minute of 2026-03-01. */
const minute = (n: number) => new Date(Date.UTC(2026, 2, 1, 0, n)).toISOString();

function delivery(tenantId: string, n: number, overrides: Partial<Delivery> = {}): Delivery {
    return {
        id: `msg_${n}_${randomUUID()}`,
        tenantId,
        subscriptionId: 's1',
        messageId: `m${n}`,
        cancellationId: `c${n}`,
        eventType: 'event.cancelled',
        state: 'pending',
        body: `{"n":${n}}`,
        attempts: 0,
        createdAt: minute(n),
        updatedAt: minute(n),
        ...overrides,
    };
}

async function allPages(query: Parameters<TableDeliveryStore['listPage']>[0]) {
    const pages: Delivery[][] = [];
    let continuationToken: string | undefined;
    do {
        const page = await store.listPage({ ...query, continuationToken });
        pages.push([...page.items]);
        continuationToken = page.continuationToken;
    } while (continuationToken !== undefined);
    return pages;
}

describe('TableDeliveryStore', () => {
    it('lists newest first a page at a time, past a page, and follows state changes', async () => {
        const tenantId = randomUUID();
        // Written out of order: the keys, not the write order, give the listing order.
        const made = [3, 0, 4, 1, 2].map((n) => delivery(tenantId, n, { subscriptionId: n % 2 === 0 ? 's1' : 's2' }));
        for (const d of made) await store.createIfAbsent(d);
        const byMinute = (ns: number[]) => ns.map((n) => made.find((d) => d.createdAt === minute(n))!.id);

        const pages = await allPages({ tenantId, pageSize: 2 });
        expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(pages.flat().map((d) => d.id)).toEqual(byMinute([4, 3, 2, 1, 0]));

        const s1 = await allPages({ tenantId, subscriptionId: 's1', pageSize: 2 });
        expect(s1.flat().map((d) => d.id)).toEqual(byMinute([4, 2, 0]));

        // A state change moves the delivery between the state indexes.
        const [second] = byMinute([2]);
        const stored = (await store.get(tenantId, second!))!;
        await store.update({ ...stored.value, state: 'failed', attempts: 8, lastError: 'boom' }, stored.etag);
        expect((await allPages({ tenantId, state: 'failed', pageSize: 5 })).flat().map((d) => d.id)).toEqual([second]);
        expect((await allPages({ tenantId, state: 'pending', pageSize: 5 })).flat().map((d) => d.id)).toEqual(
            byMinute([4, 3, 1, 0]),
        );
        expect(
            (await store.list({ tenantId, subscriptionId: 's1', state: 'failed', since: minute(2), limit: 10 })).map(
                (d) => d.id,
            ),
        ).toEqual([second]);
        expect((await store.list({ tenantId, since: minute(3), limit: 10 })).map((d) => d.id)).toEqual(
            byMinute([4, 3]),
        );
        expect((await store.list({ tenantId, limit: 3 })).map((d) => d.id)).toEqual(byMinute([4, 3, 2]));
    });

    it('keeps createIfAbsent, get and conditional update as before', async () => {
        const tenantId = randomUUID();
        const first = delivery(tenantId, 1);
        const created = await store.createIfAbsent(first);
        const again = await store.createIfAbsent({ ...first, body: 'other' });
        expect(again.value).toEqual(created.value);
        expect(again.etag).toBe(created.etag);
        const updated = await store.update({ ...first, state: 'succeeded', attempts: 1, lastStatus: 204 }, again.etag);
        await expect(store.update({ ...first, state: 'failed' }, created.etag)).rejects.toBeInstanceOf(
            ConcurrencyConflict,
        );
        expect((await store.get(tenantId, first.id))?.value).toMatchObject({ state: 'succeeded', lastStatus: 204 });
        expect(updated.value.state).toBe('succeeded');
        expect(await store.get(tenantId, 'msg_absent')).toBeNull();
    });

    it('rejects a continuation token from another listing (400, not 500)', async () => {
        const tenantId = randomUUID();
        for (const n of [1, 2]) await store.createIfAbsent(delivery(tenantId, n));
        const page = await store.listPage({ tenantId, pageSize: 1 });
        await expect(
            store.listPage({ tenantId, state: 'failed', pageSize: 1, continuationToken: page.continuationToken }),
        ).rejects.toMatchObject({ status: 400 });
        await expect(store.listPage({ tenantId, pageSize: 1, continuationToken: 'garbage' })).rejects.toMatchObject({
            status: 400,
        });
    });

    it('purges only deliveries created before the cutoff, bounded per run, with their index rows', async () => {
        const tenantId = randomUUID();
        const made = [0, 1, 2, 3, 4].map((n) => delivery(tenantId, n));
        for (const d of made) await store.createIfAbsent(d);

        expect(await store.purgeCreatedBefore(tenantId, minute(3), 2)).toEqual({ deleted: 2, migrated: 0 });
        expect(await store.purgeCreatedBefore(tenantId, minute(3), 10)).toEqual({ deleted: 1, migrated: 0 });
        expect(await store.purgeCreatedBefore(tenantId, minute(3), 10)).toEqual({ deleted: 0, migrated: 0 });

        expect((await store.list({ tenantId, limit: 10 })).map((d) => d.createdAt)).toEqual([minute(4), minute(3)]);
        for (const d of made.slice(0, 3)) expect(await store.get(tenantId, d.id)).toBeNull();
        // Nothing of the purged ones is left in the partition: no index row outlives its delivery.
        const rows: string[] = [];
        for await (const e of client.listEntities({
            queryOptions: { filter: `PartitionKey eq 't_${escapeKeyPart(tenantId)}'` },
        })) {
            rows.push(String(e.rowKey));
        }
        expect(rows).toHaveLength(2 * 5);
        expect(rows.filter((k) => made.slice(0, 3).some((d) => k.endsWith(escapeKeyPart(d.id))))).toEqual([]);
    });

    it('reads rows of the first key layout by id, moves them on update, and migrates or purges the rest', async () => {
        const tenantId = randomUUID();
        const legacy = (d: Delivery) => ({
            partitionKey: `t_${escapeKeyPart(tenantId)}`,
            rowKey: `d_${escapeKeyPart(d.id)}`,
            ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)),
        });
        const [expired, kept, updated] = [0, 5, 6].map((n) => delivery(tenantId, n, { state: 'failed', attempts: 8 }));
        for (const d of [expired!, kept!, updated!]) await client.createEntity(legacy(d));

        const read = await store.get(tenantId, updated!.id);
        expect(read?.value).toEqual({
            ...updated,
            lastAttemptAt: undefined,
            nextAttemptAt: undefined,
            lastError: undefined,
            lastStatus: undefined,
        });
        // Not listed until moved; an update (replay) moves it to the current keys.
        expect(await store.list({ tenantId, limit: 10 })).toEqual([]);
        await store.update({ ...read!.value, state: 'pending', attempts: 0 }, read!.etag);
        await expect(store.update({ ...read!.value, state: 'pending' }, read!.etag)).rejects.toBeInstanceOf(
            ConcurrencyConflict,
        );
        expect((await store.list({ tenantId, limit: 10 })).map((d) => d.id)).toEqual([updated!.id]);

        expect(await store.purgeCreatedBefore(tenantId, minute(1), 10)).toEqual({ deleted: 1, migrated: 1 });
        expect(await store.get(tenantId, expired!.id)).toBeNull();
        expect((await store.list({ tenantId, state: 'failed', limit: 10 })).map((d) => d.id)).toEqual([kept!.id]);
        expect(await store.purgeCreatedBefore(tenantId, minute(1), 10)).toEqual({ deleted: 0, migrated: 0 });
    });
});
