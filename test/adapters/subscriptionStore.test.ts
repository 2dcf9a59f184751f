import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import {
    partitionKeyOf,
    rowKeyOf,
    SubscriptionAlreadyExists,
    TableSubscriptionStore,
} from '../../src/adapters/tables/subscriptionStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { Subscription } from '../../src/domain/webhooks/subscription';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';

let client: TableClient;
let store: TableSubscriptionStore;

beforeAll(() => {
    client = createTableClient(testStorageConnectionString(), uniqueName('subscriptions'));
    store = new TableSubscriptionStore(client);
});

afterAll(async () => {
    await client.deleteTable();
});

function subscription(overrides: Partial<Subscription> = {}): Subscription {
    const tenantId = overrides.tenantId ?? randomUUID();
    return {
        id: randomUUID(),
        tenantId,
        notificationUrl: 'https://hooks.example.com/a?sig=x%2Fy&api-version=1',
        eventTypes: ['event.cancelled', 'cancellation.failed'],
        enabled: true,
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
        owner: { kind: 'user', tenantId, objectId: randomUUID(), appId: randomUUID() },
        scope: 'owner',
        secrets: [{ secret: 'whsec_' + Buffer.alloc(32, 7).toString('base64'), createdAt: '2026-03-01T10:00:00.000Z' }],
        ...overrides,
    };
}

describe('TableSubscriptionStore', () => {
    test('round trip: every property, optional ones absent or present', async () => {
        const bare = subscription();
        const created = await store.create(bare);
        expect(created.value).toEqual(bare);
        expect(created.etag).toBeTruthy();
        const read = await store.get(bare.tenantId, bare.id);
        expect(read).toEqual(created);

        const full = subscription({
            id: 'id with/odd#chars?',
            clientState: "it's ~state~",
            description: 'Ünïcode description — ✓',
            enabled: false,
            disabledReason: 'failing',
            scope: 'tenant',
            failingSince: '2026-02-20T00:00:00.000Z',
            origins: ['outlook', 'bookings'],
            secrets: [
                { secret: 'whsec_bmV3', createdAt: '2026-03-02T00:00:00.000Z' },
                { secret: 'whsec_b2xk', createdAt: '2026-03-01T00:00:00.000Z', expiresAt: '2026-03-03T00:00:00.000Z' },
            ],
        });
        await store.create(full);
        expect((await store.get(full.tenantId, full.id))?.value).toEqual(full);
    });

    test('an app owner and a tenant-wide scope round-trip', async () => {
        const tenantId = randomUUID();
        const s = subscription({
            tenantId,
            owner: { kind: 'app', tenantId, objectId: randomUUID(), appId: randomUUID() },
            scope: 'tenant',
        });
        await store.create(s);
        expect((await store.get(tenantId, s.id))?.value).toEqual(s);
    });

    test("a row stored before owners and scopes (createdBy only) reads as its creator's, owner-scoped", async () => {
        const s = subscription();
        await store.create(s);
        const row = await client.getEntity<Record<string, unknown>>(partitionKeyOf(s.tenantId), rowKeyOf(s.id));
        const { ownerKind: _kind, scope: _scope, etag: _etag, timestamp: _timestamp, ...legacy } = row;
        await client.upsertEntity({ ...legacy, partitionKey: row.partitionKey!, rowKey: row.rowKey! }, 'Replace');
        expect((await store.get(s.tenantId, s.id))?.value).toEqual({
            ...s,
            owner: { tenantId: s.tenantId, objectId: s.owner.objectId, appId: s.owner.appId },
            scope: 'owner',
        });
    });

    test('get of a missing id is null, delete of a missing id is fine', async () => {
        expect(await store.get(randomUUID(), 'missing')).toBeNull();
        await expect(store.delete(randomUUID(), 'missing')).resolves.toBeUndefined();
    });

    test('create of an existing id is refused', async () => {
        const s = subscription();
        await store.create(s);
        await expect(store.create(s)).rejects.toBeInstanceOf(SubscriptionAlreadyExists);
    });

    test('update replaces with the ETag; a stale ETag is a ConcurrencyConflict', async () => {
        const s = subscription({ clientState: 'before' });
        const created = await store.create(s);
        const changed: Subscription = { ...s, clientState: undefined, enabled: false, disabledReason: 'manual' };
        const updated = await store.update(changed, created.etag);
        expect(updated.etag).not.toBe(created.etag);
        const read = await store.get(s.tenantId, s.id);
        expect(read?.value).toEqual(changed);
        expect(read?.value.clientState).toBeUndefined();
        await expect(store.update({ ...s, description: 'late' }, created.etag)).rejects.toBeInstanceOf(
            ConcurrencyConflict,
        );
        expect((await store.get(s.tenantId, s.id))?.value.description).toBeUndefined();
    });

    test('update of a deleted subscription is a ConcurrencyConflict', async () => {
        const s = subscription();
        const created = await store.create(s);
        await store.delete(s.tenantId, s.id);
        expect(await store.get(s.tenantId, s.id)).toBeNull();
        await expect(store.update(s, created.etag)).rejects.toBeInstanceOf(ConcurrencyConflict);
    });

    test('list is per tenant; listMatching keeps enabled ones that want the event type', async () => {
        const tenantId = randomUUID();
        const a = subscription({ tenantId, eventTypes: ['event.cancelled'] });
        const b = subscription({ tenantId, eventTypes: ['bookingAppointment.cancelled', 'event.cancelled'] });
        const c = subscription({ tenantId, eventTypes: ['event.cancelled'], enabled: false, disabledReason: 'gone' });
        const d = subscription({ tenantId, eventTypes: ['cancellation.verified'] });
        const elsewhere = subscription({ eventTypes: ['event.cancelled'] });
        for (const s of [a, b, c, d, elsewhere]) await store.create(s);

        const ids = (list: readonly Subscription[]) => list.map((s) => s.id).sort();
        expect(ids(await store.list(tenantId))).toEqual([a.id, b.id, c.id, d.id].sort());
        expect(ids(await store.listMatching(tenantId, 'event.cancelled'))).toEqual([a.id, b.id].sort());
        expect(ids(await store.listMatching(tenantId, 'bookingAppointment.cancelled'))).toEqual([b.id]);
        expect(ids(await store.listMatching(tenantId, 'cancellation.failed'))).toEqual([]);
        expect(await store.list(randomUUID())).toEqual([]);
    });
});
