import type { Caller } from '../../src/domain/access/caller';
import { isOwnRecord, mayReadRecord } from '../../src/domain/access/readRules';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import { notificationMessage } from '../../src/domain/notifications/notificationMessage';
import type { Delivery } from '../../src/domain/webhooks/delivery';
import { listVisibleDeliveries, visibleDelivery } from '../../src/domain/webhooks/deliveryAccess';
import { fanOut } from '../../src/domain/webhooks/fanOut';
import { subscriptionManager } from '../../src/domain/webhooks/subscriptionAccess';
import { MemoryBulkJobStore } from '../support/fakes/memoryBulkJobStore';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { MemoryDeliveryStore, RecordingDeliveryQueue } from '../support/fakes/memoryDeliveryStore';
import {
    adminApp,
    bobManager,
    creator as alice,
    subscriptionFixture,
    tenantId,
    validBody,
} from './subscriptionFixture';

const url = (name: string) => `https://hooks.example.com/${name}`;

function caller(kind: Caller['kind'], objectId: string, scopes: string[], roles: string[] = []): Caller {
    return { kind, tenantId, objectId, appId: 'app-1', scopes: new Set(scopes), roles: new Set(roles) };
}

function record(id: string, actorObjectId: string, kind: CancellationRecord['kind'] = 'event'): CancellationRecord {
    return {
        id,
        tenantId,
        kind,
        state: 'accepted',
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:01.000Z',
        actor: { kind: 'user', objectId: actorObjectId, appId: 'app-1' },
        resource: {
            version: 'v1.0',
            graphPath: `/users/${actorObjectId}/events/${id}`,
            resourceKey: `event|user:${actorObjectId}|${id}`,
            mailbox: `user:${actorObjectId}`,
            eventId: id,
            subject: 'Budget review',
        },
        audience: [],
        graphRequestIds: [],
        attempts: 1,
        notificationPending: false,
    };
}

/** Alice, Bob and an admin app each with a subscription to event.cancelled (sub-1, sub-2, sub-3). */
async function threeOwners() {
    const f = subscriptionFixture();
    await f.service.create(alice, { ...validBody, notificationUrl: url('alice') });
    await f.service.create(bobManager, { ...validBody, notificationUrl: url('bob') });
    await f.service.create(adminApp, { ...validBody, notificationUrl: url('admin') });
    return f;
}

describe('the record read rule (GET /api/cancellations/{id}, and what owner subscriptions receive)', () => {
    it('the maker reads their record with the permission that made it; others do not', () => {
        const made = record('c1', 'oid-alice');
        expect(mayReadRecord(caller('user', 'oid-alice', ['Calendars.ReadWrite']), made)).toBe(true);
        expect(mayReadRecord(caller('user', 'oid-alice', ['Subscriptions.ReadWrite.All']), made)).toBe(false);
        expect(mayReadRecord(caller('user', 'oid-bob', ['Calendars.ReadWrite']), made)).toBe(false);
        expect(isOwnRecord({ tenantId, objectId: 'oid-alice' }, made)).toBe(true);
        expect(isOwnRecord({ tenantId: 'another-tenant', objectId: 'oid-alice' }, made)).toBe(false);
    });

    it('the app role Cancellations.Admin reads every record; the delegated scope of that name does not', () => {
        const made = record('c1', 'oid-alice');
        expect(mayReadRecord(caller('app', 'oid-admin-app', [], ['Cancellations.Admin']), made)).toBe(true);
        expect(mayReadRecord(caller('user', 'oid-bob', [], ['Cancellations.Admin']), made)).toBe(true);
        expect(mayReadRecord(caller('user', 'oid-bob', ['Calendars.ReadWrite', 'Cancellations.Admin']), made)).toBe(
            false,
        );
    });
});

describe('subscriptions belong to their owner', () => {
    it('a user lists only their own; an administrator lists every one of the tenant', async () => {
        const f = await threeOwners();
        expect((await f.service.list(alice)).map((s) => s.id)).toEqual(['sub-1']);
        expect((await f.service.list(bobManager)).map((s) => s.id)).toEqual(['sub-2']);
        expect((await f.service.list(adminApp)).map((s) => s.id)).toEqual(['sub-1', 'sub-2', 'sub-3']);
    });

    it("answers 404 for another's subscription on get, update, delete and rotate, and changes nothing", async () => {
        const f = await threeOwners();
        const before = JSON.stringify([...f.store.rows]);
        const notFound = { status: 404, code: 'itemNotFound', message: "Subscription 'sub-1' was not found." };
        await expect(f.service.get(bobManager, 'sub-1')).rejects.toMatchObject(notFound);
        await expect(f.service.update(bobManager, 'sub-1', { enabled: false })).rejects.toMatchObject(notFound);
        await expect(f.service.disable(bobManager, 'sub-1')).rejects.toMatchObject(notFound);
        await expect(f.service.rotateSecret(bobManager, 'sub-1')).rejects.toMatchObject(notFound);
        await expect(f.service.delete(bobManager, 'sub-1')).rejects.toMatchObject(notFound);
        // The admin app's is not Alice's either.
        await expect(f.service.get(alice, 'sub-3')).rejects.toMatchObject({
            status: 404,
            message: "Subscription 'sub-3' was not found.",
        });
        expect(JSON.stringify([...f.store.rows])).toBe(before);
    });

    it("an administrator manages anyone's", async () => {
        const f = await threeOwners();
        expect(await f.service.disable(adminApp, 'sub-1')).toMatchObject({ enabled: false });
        await f.service.rotateSecret(adminApp, 'sub-2');
        await f.service.delete(adminApp, 'sub-2');
        expect((await f.service.list(adminApp)).map((s) => s.id)).toEqual(['sub-1', 'sub-3']);
    });

    it('records the owner; the default scope is the owner for users, the tenant for administrators', async () => {
        const f = await threeOwners();
        expect(await f.service.get(alice, 'sub-1')).toMatchObject({ owner: alice.owner, scope: 'owner' });
        expect(await f.service.get(adminApp, 'sub-3')).toMatchObject({ owner: adminApp.owner, scope: 'tenant' });
    });

    it("refuses scope 'tenant' to a non-administrator (403) and lets an administrator choose either", async () => {
        const f = subscriptionFixture();
        await expect(f.service.create(alice, { ...validBody, scope: 'tenant' })).rejects.toMatchObject({
            status: 403,
            code: 'ErrorAccessDenied',
        });
        expect(f.store.rows.size).toBe(0);
        await expect(f.service.create(alice, { ...validBody, scope: 'owner' })).resolves.toBeDefined();
        const { subscription } = await f.service.create(adminApp, {
            ...validBody,
            notificationUrl: url('admin-own'),
            scope: 'owner',
        });
        expect(subscription.scope).toBe('owner');
        await expect(f.service.create(alice, { ...validBody, scope: 'everyone' })).rejects.toMatchObject({
            status: 400,
            code: 'invalidScope',
        });
        await expect(f.service.update(alice, 'sub-1', { scope: 'tenant' })).rejects.toMatchObject({
            status: 400,
            code: 'readOnlyProperty',
        });
    });

    it("another user's subscription to the same URL is not a duplicate, and its id is not revealed", async () => {
        const f = subscriptionFixture();
        await f.service.create(alice, validBody);
        const { subscription } = await f.service.create(bobManager, validBody);
        expect(subscription.id).toBe('sub-2');
    });

    it('a user whose delegated token holds the scope Cancellations.Admin manages only their own', async () => {
        const f = await threeOwners();
        const scoped = subscriptionManager(
            caller('user', 'oid-bob', ['Subscriptions.ReadWrite.All', 'Cancellations.Admin']),
        );
        expect(scoped.administrator).toBe(false);
        expect((await f.service.list(scoped)).map((s) => s.id)).toEqual(['sub-2']);
        const assigned = subscriptionManager(caller('user', 'oid-bob', ['User.Read'], ['Cancellations.Admin']));
        expect((await f.service.list(assigned)).map((s) => s.id)).toEqual(['sub-1', 'sub-2', 'sub-3']);
    });
});

describe('fan-out follows the subscription scope', () => {
    async function fanOutOf(made: CancellationRecord) {
        const f = await threeOwners();
        const cancellations = new MemoryCancellationStore();
        await cancellations.create(made);
        const deliveries = new MemoryDeliveryStore();
        const queue = new RecordingDeliveryQueue();
        const message = notificationMessage('event.cancelled', tenantId, made.id, made.updatedAt);
        const deps = {
            cancellations,
            jobs: new MemoryBulkJobStore(),
            subscriptions: f.store,
            deliveries,
            queue,
            clock: f.clock,
            log: () => undefined,
        };
        await fanOut(message, deps);
        return [...deliveries.rows.values()].map((row) => row.value.subscriptionId).sort();
    }

    it("Alice's cancellation goes to her subscription and the admin app's, never to Bob's", async () => {
        expect(await fanOutOf(record('c-alice', 'oid-alice'))).toEqual(['sub-1', 'sub-3']);
    });

    it("Bob's goes to his and the admin app's", async () => {
        expect(await fanOutOf(record('c-bob', 'oid-bob'))).toEqual(['sub-2', 'sub-3']);
    });

    it("someone else's goes to the tenant-wide subscription only", async () => {
        expect(await fanOutOf(record('c-carol', 'oid-carol', 'bookingAppointment'))).toEqual(['sub-3']);
    });
});

describe('deliveries follow the subscription owner', () => {
    async function withDeliveries() {
        const f = await threeOwners();
        const deliveries = new MemoryDeliveryStore();
        const delivery = (id: string, subscriptionId: string, createdAt: string): Delivery => ({
            id,
            tenantId,
            subscriptionId,
            messageId: `m-${id}`,
            cancellationId: 'c1',
            eventType: 'event.cancelled',
            state: 'failed',
            body: '{}',
            attempts: 8,
            createdAt,
            updatedAt: createdAt,
        });
        await deliveries.createIfAbsent(delivery('d-alice-1', 'sub-1', '2026-03-01T10:00:00.000Z'));
        await deliveries.createIfAbsent(delivery('d-bob', 'sub-2', '2026-03-01T10:00:01.000Z'));
        await deliveries.createIfAbsent(delivery('d-alice-2', 'sub-1', '2026-03-01T10:00:02.000Z'));
        await deliveries.createIfAbsent(delivery('d-admin', 'sub-3', '2026-03-01T10:00:03.000Z'));
        await deliveries.createIfAbsent(delivery('d-gone', 'sub-deleted', '2026-03-01T10:00:04.000Z'));
        return { deps: { deliveries, subscriptions: f.store } };
    }

    it('a user lists only their own subscriptions’ deliveries, newest first, cut at the limit', async () => {
        const { deps } = await withDeliveries();
        const ids = async (manager: typeof alice, query: { subscriptionId?: string; limit: number }) => {
            const { limit: pageSize, ...filters } = query;
            return (await listVisibleDeliveries(manager, { ...filters, pageSize }, deps)).items.map((d) => d.id);
        };
        expect(await ids(alice, { limit: 50 })).toEqual(['d-alice-2', 'd-alice-1']);
        expect(await ids(alice, { limit: 1 })).toEqual(['d-alice-2']);
        expect(await ids(bobManager, { limit: 50 })).toEqual(['d-bob']);
        // Filtering by another's subscription finds nothing.
        expect(await ids(bobManager, { subscriptionId: 'sub-1', limit: 50 })).toEqual([]);
        expect(await ids(adminApp, { limit: 50 })).toEqual(['d-gone', 'd-admin', 'd-alice-2', 'd-bob', 'd-alice-1']);
    });

    it("a user cannot see (so cannot replay) another's delivery; an administrator can", async () => {
        const { deps } = await withDeliveries();
        expect(await visibleDelivery(alice, 'd-alice-1', deps)).not.toBeNull();
        expect(await visibleDelivery(bobManager, 'd-alice-1', deps)).toBeNull();
        expect(await visibleDelivery(alice, 'd-gone', deps)).toBeNull();
        expect(await visibleDelivery(adminApp, 'd-alice-1', deps)).not.toBeNull();
        expect(await visibleDelivery(adminApp, 'missing', deps)).toBeNull();
    });
});
