import type { NotificationEventType } from '../../src/domain/notifications/notificationMessage';
import type { Subscription, SubscriptionStore } from '../../src/domain/webhooks/subscription';
import { ConcurrencyConflict, type Stored } from '../../src/domain/shared/stored';

/** An in-memory SubscriptionStore for unit tests (the Table one is tested on Azurite). */
export class MemorySubscriptionStore implements SubscriptionStore {
    readonly rows = new Map<string, Stored<Subscription>>();
    private version = 0;
    /** Runs before the next `update` commits, once: lets a test change the row under the service. */
    beforeNextUpdate: (() => void) | undefined;

    private key(tenantId: string, id: string): string {
        return `${tenantId}/${id}`;
    }

    private save(subscription: Subscription): Stored<Subscription> {
        const stored = { value: structuredClone(subscription), etag: `W/"${++this.version}"` };
        this.rows.set(this.key(subscription.tenantId, subscription.id), stored);
        return structuredClone(stored);
    }

    create(subscription: Subscription) {
        if (this.rows.has(this.key(subscription.tenantId, subscription.id))) {
            return Promise.reject(new Error('exists'));
        }
        return Promise.resolve(this.save(subscription));
    }

    update(subscription: Subscription, etag: string) {
        const hook = this.beforeNextUpdate;
        this.beforeNextUpdate = undefined;
        hook?.();
        const current = this.rows.get(this.key(subscription.tenantId, subscription.id));
        if (!current || current.etag !== etag)
            return Promise.reject(new ConcurrencyConflict('subscription', subscription.id));
        return Promise.resolve(this.save(subscription));
    }

    /** Changes a stored row the way another writer (the delivery pipeline) would. */
    touch(tenantId: string, id: string, change: (s: Subscription) => Subscription): void {
        const current = this.rows.get(this.key(tenantId, id));
        if (!current) throw new Error('no such row');
        this.save(change(current.value));
    }

    get(tenantId: string, id: string) {
        const found = this.rows.get(this.key(tenantId, id));
        return Promise.resolve(found ? structuredClone(found) : null);
    }

    delete(tenantId: string, id: string) {
        this.rows.delete(this.key(tenantId, id));
        return Promise.resolve();
    }

    list(tenantId: string) {
        return Promise.resolve(
            [...this.rows.values()].filter((r) => r.value.tenantId === tenantId).map((r) => structuredClone(r.value)),
        );
    }

    listMatching(tenantId: string, eventType: NotificationEventType) {
        return this.list(tenantId).then((all) => all.filter((s) => s.enabled && s.eventTypes.includes(eventType)));
    }
}
