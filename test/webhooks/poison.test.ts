import { InvocationContext } from '@azure/functions';
import type { NotificationMessage } from '../../src/domain/notifications/notificationMessage';
import type { Delivery } from '../../src/domain/webhooks/delivery';
import {
    type ParkedNotification,
    type ParkedNotificationStore,
    parkPoisonedDelivery,
    parkPoisonedNotification,
    redriveParkedNotification,
} from '../../src/domain/webhooks/poison';
import { MemoryDeliveryStore } from '../support/fakes/memoryDeliveryStore';
import { ConcurrencyConflict, type Stored } from '../../src/domain/shared/stored';
import { notificationPoisonHandler } from '../../src/triggers/poisonDrains';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };

/** An in-memory ParkedNotificationStore (the port's contract: create when no ETag, else replace if unchanged). */
class MemoryParkedStore implements ParkedNotificationStore {
    readonly rows = new Map<string, Stored<ParkedNotification>>();
    private version = 0;
    get(_tenantId: string, id: string) {
        return Promise.resolve(this.rows.get(id) ?? null);
    }
    save(parked: ParkedNotification, etag?: string) {
        const current = this.rows.get(parked.id);
        if ((etag === undefined) !== (current === undefined) || (current && current.etag !== etag)) {
            return Promise.reject(new ConcurrencyConflict('parked notification', parked.id));
        }
        const stored = { value: parked, etag: String(++this.version) };
        this.rows.set(parked.id, stored);
        return Promise.resolve(stored);
    }
    list() {
        return Promise.resolve({ items: [...this.rows.values()].map((r) => r.value) });
    }
}

const message: NotificationMessage = {
    schemaVersion: 1,
    messageId: 'c1.event.cancelled',
    type: 'event.cancelled',
    tenantId,
    cancellationId: 'c1',
    occurredAt: '2026-03-01T09:00:00.000Z',
};

describe('poisoned notifications', () => {
    it('are sent again on the schedule, then stay parked: a message that always fails does not loop', async () => {
        const parked = new MemoryParkedStore();
        const sent: number[] = [];
        const deps = {
            parked,
            clock,
            redriveDelaysMs: [1_000, 60_000],
            redrive: {
                enqueue: (_m: NotificationMessage, delayMs: number) => {
                    sent.push(delayMs);
                    return Promise.resolve();
                },
            },
        };
        expect(await parkPoisonedNotification(message, deps)).toBe('redriven');
        expect(await parkPoisonedNotification(message, deps)).toBe('redriven');
        expect(await parkPoisonedNotification(message, deps)).toBe('parked');
        expect(await parkPoisonedNotification(message, deps)).toBe('parked');
        expect(sent).toEqual([1_000, 60_000]);
        const row = (await parked.get(tenantId, message.messageId))!;
        expect(row.value).toMatchObject({ state: 'parked', redrives: 2, message, nextRedriveAt: undefined });

        // An operator sends it again: now, with the schedule started over.
        expect(await redriveParkedNotification(row, deps)).toMatchObject({ state: 'redriving', redrives: 0 });
        expect(sent).toEqual([1_000, 60_000, 0]);
    });
});

describe('a poisoned batch of notifications (the relay sends several in one message)', () => {
    it('parks each of its notifications, and sends each again on its own', async () => {
        const parked = new MemoryParkedStore();
        const sent: NotificationMessage[] = [];
        const drain = notificationPoisonHandler(tenantId, {
            parked,
            clock,
            redriveDelaysMs: [1_000],
            redrive: { enqueue: (m: NotificationMessage) => Promise.resolve(void sent.push(m)) },
        });
        const other = { ...message, messageId: 'c2.event.cancelled', cancellationId: 'c2' };
        const batch = { schemaVersion: 1, notifications: [message, other] };
        await drain(batch, new InvocationContext({ functionName: 'notificationFanOutPoison' }));
        expect(sent).toEqual([message, other]);
        expect([...parked.rows.keys()].sort()).toEqual([message.messageId, other.messageId]);
    });
});

describe('poisoned delivery jobs', () => {
    const delivery = (overrides: Partial<Delivery>): Delivery => ({
        id: 'msg_1',
        tenantId,
        subscriptionId: 's1',
        messageId: 'm1',
        cancellationId: 'c1',
        eventType: 'event.cancelled',
        state: 'pending',
        body: '{}',
        attempts: 0,
        createdAt: '2026-03-01T09:00:00.000Z',
        updatedAt: '2026-03-01T09:00:00.000Z',
        ...overrides,
    });
    const job = (attempt: number) => ({ schemaVersion: 1 as const, tenantId, deliveryId: 'msg_1', attempt });

    it('make a pending delivery failed with the reason, so replay and recover find it', async () => {
        const deliveries = new MemoryDeliveryStore();
        await deliveries.createIfAbsent(delivery({ attempts: 1, nextAttemptAt: '2026-03-01T09:00:05.000Z' }));
        expect(await parkPoisonedDelivery(job(2), { deliveries, clock })).toBe('failed');
        expect((await deliveries.get(tenantId, 'msg_1'))?.value).toMatchObject({
            state: 'failed',
            nextAttemptAt: undefined,
            lastError: expect.stringMatching(/^poisoned: /) as unknown,
        });
    });

    it('leave a delivery that finished, or that a later job carries on, as it is', async () => {
        const deliveries = new MemoryDeliveryStore();
        await deliveries.createIfAbsent(delivery({ attempts: 3 }));
        expect(await parkPoisonedDelivery(job(2), { deliveries, clock })).toBe('unchanged');
        const done = new MemoryDeliveryStore();
        await done.createIfAbsent(delivery({ state: 'succeeded', attempts: 1 }));
        expect(await parkPoisonedDelivery(job(1), { deliveries: done, clock })).toBe('unchanged');
        expect(await parkPoisonedDelivery(job(1), { deliveries: new MemoryDeliveryStore(), clock })).toBe('missing');
    });
});
