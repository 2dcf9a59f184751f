import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { TableCancellationStore } from '../../src/adapters/tables/cancellationStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import { testStorageConnectionString } from '../support/storage';
import { at, bulkWrite, countReads, forEachLimited, type ReadCounter, sampleRecord, uniqueName } from './fixtures';

// Its own file and table: the 2,000-record history takes ~40 s to write on Azurite, and runs beside the other files.
let client: TableClient;
let store: TableCancellationStore;
let reads: ReadCounter;

beforeAll(async () => {
    client = createTableClient(testStorageConnectionString(), uniqueName('cancellationsdue'));
    reads = countReads(client);
    store = new TableCancellationStore(client);
    await client.createTable();
});

afterAll(async () => {
    await client.deleteTable();
});

describe('TableCancellationStore: listDue', () => {
    const tenantId = randomUUID();
    const now = at(1000);
    const due: CancellationRecord[] = Array.from({ length: 10 }, (_, i) =>
        sampleRecord({ id: `due-${i}`, tenantId, state: 'accepted', nextCheckAt: at(1000 - 10 * (10 - i)) }),
    );

    beforeAll(async () => {
        // 2,000 history records: 1,000 settled (no nextCheckAt) and 1,000 scheduled after `now`.
        const history = Array.from({ length: 2000 }, (_, i) =>
            sampleRecord({
                id: `hist-${i}`,
                tenantId,
                state: 'verified',
                createdAt: at(i % 1000),
                nextCheckAt: i % 2 === 0 ? undefined : at(1001 + i),
            }),
        );
        // Written with the store's own mapping in 100-operation transactions (14 records each): far faster on
        // Azurite than 2,000 single creates, same rows.
        await bulkWrite(client, history);
        await forEachLimited(due, 10, (record) => store.create(record));
    }, 120_000);

    test('returns only due records, oldest first, within the limit, without reading history', async () => {
        reads.reset();
        const all = await store.listDue(tenantId, now, 100);
        expect(all.map((s) => s.value.id)).toEqual(due.map((r) => r.id));
        // 10 due-index rows + 10 point reads; none of the 2,000 other records.
        expect(reads.entities).toBe(20);

        reads.reset();
        const first = await store.listDue(tenantId, now, 3);
        expect(first.map((s) => s.value.id)).toEqual(['due-0', 'due-1', 'due-2']);
        expect(reads.entities).toBe(6);

        expect(await store.listDue(tenantId, at(0), 10)).toEqual([]);
        expect(await store.listDue(randomUUID(), now, 10)).toEqual([]);
    });

    test('a record leaves the due set when its nextCheckAt moves past now', async () => {
        const stored = await store.get(tenantId, 'due-0');
        if (stored === null) throw new Error('missing');
        await store.update({ ...stored.value, nextCheckAt: at(5000) }, stored.etag);
        const ids = (await store.listDue(tenantId, now, 100)).map((s) => s.value.id);
        expect(ids).toEqual(due.slice(1).map((r) => r.id));
    });
});
