import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { TableCancellationStore } from '../../src/adapters/tables/cancellationStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import { ItemClaimed } from '../../src/domain/cancellation/store';
import { testStorageConnectionString } from '../support/storage';
import { sampleRecord, uniqueName } from './fixtures';

let client: TableClient;
let store: TableCancellationStore;

beforeAll(async () => {
    client = createTableClient(testStorageConnectionString(), uniqueName('meetings'));
    store = new TableCancellationStore(client);
    await client.createTable();
});

afterAll(async () => {
    await client.deleteTable();
});

const meetingKey = 'alice@contoso.test|040000008200E00074C5B7101A82E008|2026-12-10T09:00:00.000Z';

/** An outside record of the meeting as the feed writes it (already verified, keyed by the meeting). */
function outside(tenantId: string, overrides: Partial<CancellationRecord> = {}): CancellationRecord {
    const record = sampleRecord({ tenantId, origin: 'outlook', state: 'verified', ...overrides });
    return {
        ...record,
        resource: { ...record.resource, resourceKey: `meeting|${meetingKey}`, meetingKey },
    };
}

function gateway(tenantId: string): CancellationRecord {
    const record = sampleRecord({ tenantId });
    return { ...record, resource: { ...record.resource, meetingKey } };
}

describe('TableCancellationStore: one record per meeting (the meeting pointer)', () => {
    test('a second outside record of the same meeting is refused, and the first stays its holder', async () => {
        const tenantId = randomUUID();
        const first = await store.create(outside(tenantId));

        await expect(store.create(outside(tenantId))).rejects.toBeInstanceOf(ItemClaimed);

        expect((await store.findByMeeting(tenantId, meetingKey))?.value.id).toBe(first.value.id);
        expect((await store.findByMeeting(tenantId, meetingKey))?.value.origin).toBe('outlook');
    });

    test('of concurrent outside records of one meeting (three attendees at once), exactly one is written', async () => {
        const tenantId = randomUUID();
        const results = await Promise.allSettled([1, 2, 3].map(() => store.create(outside(tenantId))));

        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const result of results.filter((r) => r.status === 'rejected')) {
            expect(result.reason).toBeInstanceOf(ItemClaimed);
        }
        expect((await store.list({ tenantId, pageSize: 10 })).items).toHaveLength(1);
    });

    test("a gateway cancel's record holds the meeting: the feed's record of it is refused", async () => {
        const tenantId = randomUUID();
        const own = await store.create(gateway(tenantId));

        await expect(store.create(outside(tenantId))).rejects.toBeInstanceOf(ItemClaimed);

        const holder = await store.findByMeeting(tenantId, meetingKey);
        expect(holder?.value.id).toBe(own.value.id);
        expect(holder?.value.origin).toBeUndefined();
    });

    test('a gateway cancel takes the meeting over from an outside record', async () => {
        const tenantId = randomUUID();
        await store.create(outside(tenantId));
        const own = await store.create(gateway(tenantId));

        expect((await store.findByMeeting(tenantId, meetingKey))?.value.id).toBe(own.value.id);
    });

    test('another meeting (another occurrence start) is another pointer', async () => {
        const tenantId = randomUUID();
        await store.create(outside(tenantId));
        const otherKey = meetingKey.replace('2026-12-10', '2026-12-17');
        const other = outside(tenantId);
        await store.create({
            ...other,
            resource: { ...other.resource, resourceKey: `meeting|${otherKey}`, meetingKey: otherKey },
        });

        expect(await store.findByMeeting(tenantId, otherKey)).not.toBeNull();
        expect(await store.findByMeeting(randomUUID(), meetingKey)).toBeNull();
    });
});

describe('TableCancellationStore: lists by origin', () => {
    test('?origin= lists outside records from their own index and gateway ones (older records included)', async () => {
        const tenantId = randomUUID();
        const at = (minute: number) => `2026-12-04T10:${String(minute).padStart(2, '0')}:00.000Z`;
        const gatewayRecord = sampleRecord({ tenantId, createdAt: at(0), updatedAt: at(0) });
        const outlook = outside(tenantId, { createdAt: at(1), updatedAt: at(1) });
        const bookings = sampleRecord({ tenantId, origin: 'bookings', state: 'verified', createdAt: at(2) });
        for (const made of [gatewayRecord, outlook, bookings]) await store.create(made);

        const ids = async (origin?: 'gateway' | 'outlook' | 'bookings', actorObjectId?: string) =>
            (await store.list({ tenantId, origin, actorObjectId, pageSize: 10 })).items.map((item) => item.id);

        expect(await ids()).toEqual([bookings.id, outlook.id, gatewayRecord.id]);
        expect(await ids('outlook')).toEqual([outlook.id]);
        expect(await ids('bookings')).toEqual([bookings.id]);
        expect(await ids('gateway')).toEqual([gatewayRecord.id]);
        expect(await ids('outlook', outlook.actor.objectId)).toEqual([outlook.id]);
        expect((await store.get(tenantId, outlook.id))?.value.origin).toBe('outlook');
    });
});
