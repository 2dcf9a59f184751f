import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { type CountingProxy, startCountingProxy } from '../../bench/gateway/storageRoundTrips';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import { TableCancellationStore } from '../../src/adapters/tables/cancellationStore';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import { ConcurrencyConflict, type Stored } from '../../src/domain/shared/stored';
import { testStorageConnectionString } from '../support/storage';
import { at, sampleRecord, uniqueName } from './fixtures';

// The store talks to Azurite through a counting proxy, so a test can tell how many requests a call made.
let proxy: CountingProxy;
let client: TableClient;
let store: TableCancellationStore;

beforeAll(async () => {
    const direct = testStorageConnectionString();
    const tablePort = /TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)/.exec(direct)?.[1];
    if (tablePort === undefined) throw new Error(`no Azurite table endpoint in ${direct}`);
    proxy = await startCountingProxy('table', Number(tablePort));
    const connection = direct.replace(`127.0.0.1:${tablePort}`, `127.0.0.1:${proxy.port}`);
    client = createTableClient(connection, uniqueName('cancellations'));
    store = new TableCancellationStore(client);
    await client.createTable();
});

afterAll(async () => {
    await client.deleteTable();
    await proxy.close();
});

function requestsSince(before: ReadonlyMap<string, number>): number {
    let count = 0;
    for (const [purpose, now] of proxy.counts()) count += now - (before.get(purpose) ?? 0);
    return count;
}

/** Records of one tenant saved owing their notification, due soon (as the cancel path leaves them). */
async function flaggedRecords(tenantId: string, count: number): Promise<Stored<CancellationRecord>[]> {
    return Promise.all(
        Array.from({ length: count }, () =>
            store.create(sampleRecord({ tenantId, state: 'accepted', notificationPending: true, nextCheckAt: at(1) })),
        ),
    );
}

function cleared(stored: Stored<CancellationRecord>) {
    return { record: { ...stored.value, notificationPending: false, nextCheckAt: at(600) }, etag: stored.etag };
}

function fulfilled(results: readonly PromiseSettledResult<Stored<CancellationRecord>>[]): Stored<CancellationRecord>[] {
    return results.map((result) => {
        if (result.status === 'rejected') throw result.reason;
        return result.value;
    });
}

describe('TableCancellationStore.updateEach', () => {
    test("one tenant's changes are one request; each record's index rows move and its new ETag is the stored one", async () => {
        const tenantId = randomUUID();
        const records = await flaggedRecords(tenantId, 12);
        expect((await store.listDue(tenantId, at(1), 50)).length).toBe(12);

        const before = proxy.counts();
        const written = fulfilled(await store.updateEach(records.map(cleared)));
        expect(requestsSince(before)).toBe(1);

        expect(await store.listDue(tenantId, at(1), 50)).toEqual([]);
        expect((await store.listDue(tenantId, at(600), 50)).map((due) => due.value.id).sort()).toEqual(
            records.map((record) => record.value.id).sort(),
        );
        for (const [index, record] of records.entries()) {
            const stored = await store.get(tenantId, record.value.id);
            expect(stored?.value.notificationPending).toBe(false);
            expect(written[index]).toEqual(stored);
        }
        // The ETags answered are the ones the next write needs.
        const next = await store.update({ ...written[3]!.value, comment: 'after' }, written[3]!.etag);
        expect(next.value.comment).toBe('after');
    });

    test('a stale ETag refuses that change only; the others are written', async () => {
        const tenantId = randomUUID();
        const records = await flaggedRecords(tenantId, 3);
        // Another writer moved the middle record on first.
        await store.update({ ...records[1]!.value, comment: 'other writer' }, records[1]!.etag);

        const results = await store.updateEach(records.map(cleared));
        expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(results[1]?.status === 'rejected' && results[1].reason).toBeInstanceOf(ConcurrencyConflict);
        const after = await Promise.all(records.map((record) => store.get(tenantId, record.value.id)));
        expect(after.map((stored) => stored?.value.notificationPending)).toEqual([false, true, false]);
        expect(after[1]?.value.comment).toBe('other writer');
    });

    test('changes of two tenants, more than one transaction holds, and one record twice', async () => {
        const [first, second] = [randomUUID(), randomUUID()];
        // 40 records whose change moves their due row: 3 actions each, so two transactions for the first tenant.
        const many = await flaggedRecords(first, 40);
        const other = await flaggedRecords(second, 2);
        const twice = { ...cleared(many[0]!), record: { ...cleared(many[0]!).record, comment: 'second change' } };

        const results = await store.updateEach([...many.map(cleared), ...other.map(cleared), twice]);
        expect(results.slice(0, 42).map((result) => result.status)).toEqual(Array(42).fill('fulfilled'));
        // The second change of a record was made from the same ETag as the first: refused, as its own update would be.
        expect(results[42]?.status === 'rejected' && results[42].reason).toBeInstanceOf(ConcurrencyConflict);
        expect(await store.listDue(first, at(1), 100)).toEqual([]);
        expect(await store.listDue(second, at(1), 100)).toEqual([]);
        expect((await store.listDue(first, at(600), 100)).length).toBe(40);
        expect((await store.get(first, many[0]!.value.id))?.value.comment).toBeUndefined();
    });
});
