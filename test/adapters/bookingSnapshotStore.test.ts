import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { TableBookingSnapshotStore } from '../../src/adapters/tables/bookingSnapshotStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { BookingSnapshot } from '../../src/domain/feed/bookingSnapshot';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';

let client: TableClient;
let store: TableBookingSnapshotStore;

beforeAll(() => {
    client = createTableClient(testStorageConnectionString(), uniqueName('bookingsnapshots'));
    store = new TableBookingSnapshotStore(client);
});

afterAll(async () => {
    await client.deleteTable();
});

const business = 'ContosoLunch@contoso.test';
const appointment = (id: string, day: number): BookingSnapshot => ({
    id,
    businessId: business,
    serviceName: 'Lunch for two — ünïcode',
    start: `2026-12-${String(day).padStart(2, '0')}T12:00:00.000Z`,
    end: `2026-12-${String(day).padStart(2, '0')}T13:00:00.000Z`,
    customers: [{ name: 'Erin', address: 'erin@example.test', phone: '+1 555 0100', type: 'customer' }],
});

describe('TableBookingSnapshotStore', () => {
    test('keeps one row per appointment per tenant and business; replace upserts and deletes', async () => {
        const tenantId = randomUUID();
        expect(await store.list(tenantId, business)).toEqual([]);

        // More than one entity-group transaction's 100 operations, and ids with characters keys may not hold.
        const many = Array.from({ length: 130 }, (_, i) => appointment(`AAMk/appt#${i}?=`, 1 + (i % 28)));
        await store.replace(tenantId, business, many, []);
        expect(await store.list(tenantId, business)).toHaveLength(130);

        const changed = { ...many[0]!, serviceName: 'Dinner' };
        await store.replace(
            tenantId,
            business,
            [changed],
            many.slice(1, 101).map((a) => a.id),
        );
        const rows = await store.list(tenantId, business.toLowerCase());
        expect(rows).toHaveLength(30);
        expect(rows.find((row) => row.id === changed.id)).toEqual(changed);

        expect(await store.list(randomUUID(), business)).toEqual([]);
        expect(await store.list(tenantId, 'other@contoso.test')).toEqual([]);
    });

    test('a snapshot with many customers (longer than one table property) round-trips', async () => {
        const tenantId = randomUUID();
        const big: BookingSnapshot = {
            ...appointment('AAMkBig=', 5),
            customers: Array.from({ length: 400 }, (_, i) => ({
                name: `Customer ${i} with a fairly long display name`,
                address: `customer-${i}@example.test`,
                phone: '+1 555 0100',
                type: 'customer' as const,
            })),
        };
        await store.replace(tenantId, business, [big], []);
        expect(await store.list(tenantId, business)).toEqual([big]);
    });
});
