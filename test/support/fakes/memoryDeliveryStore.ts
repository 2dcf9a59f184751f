import type {
    Delivery,
    DeliveryJob,
    DeliveryLane,
    DeliveryQueue,
    DeliveryPage,
    DeliveryStore,
    ListDeliveriesPageQuery,
    ListDeliveriesQuery,
} from '../../../src/domain/webhooks/delivery';
import { ConcurrencyConflict, type Stored } from '../../../src/domain/shared/stored';

/** An in-memory DeliveryStore for unit tests (the Table one is tested on Azurite). */
export class MemoryDeliveryStore implements DeliveryStore {
    readonly rows = new Map<string, Stored<Delivery>>();
    private version = 0;

    private save(delivery: Delivery): Stored<Delivery> {
        const stored = { value: structuredClone(delivery), etag: `W/"${++this.version}"` };
        this.rows.set(`${delivery.tenantId}/${delivery.id}`, stored);
        return structuredClone(stored);
    }

    createIfAbsent(delivery: Delivery) {
        const existing = this.rows.get(`${delivery.tenantId}/${delivery.id}`);
        return Promise.resolve(existing ? structuredClone(existing) : this.save(delivery));
    }

    update(delivery: Delivery, etag: string) {
        const current = this.rows.get(`${delivery.tenantId}/${delivery.id}`);
        if (!current || current.etag !== etag) return Promise.reject(new ConcurrencyConflict('delivery', delivery.id));
        return Promise.resolve(this.save(delivery));
    }

    get(tenantId: string, id: string) {
        const found = this.rows.get(`${tenantId}/${id}`);
        return Promise.resolve(found ? structuredClone(found) : null);
    }

    private matching(query: Omit<ListDeliveriesQuery, 'limit'>): Delivery[] {
        return [...this.rows.values()]
            .map((r) => structuredClone(r.value))
            .filter(
                (d) =>
                    d.tenantId === query.tenantId &&
                    (!query.state || d.state === query.state) &&
                    (!query.subscriptionId || d.subscriptionId === query.subscriptionId) &&
                    (!query.since || d.createdAt >= query.since),
            )
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
    }

    list(query: ListDeliveriesQuery) {
        return Promise.resolve(this.matching(query).slice(0, query.limit));
    }

    /** The token is the offset of the next page. */
    listPage(query: ListDeliveriesPageQuery): Promise<DeliveryPage> {
        const start = Number(query.continuationToken ?? 0);
        const all = this.matching(query);
        const end = start + query.pageSize;
        return Promise.resolve({
            items: all.slice(start, end),
            continuationToken: end < all.length ? String(end) : undefined,
        });
    }

    purgeCreatedBefore(tenantId: string, before: string, limit: number) {
        let deleted = 0;
        for (const [key, stored] of this.rows) {
            if (deleted >= limit) break;
            if (stored.value.tenantId !== tenantId || !(stored.value.createdAt < before)) continue;
            this.rows.delete(key);
            deleted++;
        }
        return Promise.resolve({ deleted, migrated: 0 });
    }
}

/** Records what would be enqueued, with its delay and lane. */
export class RecordingDeliveryQueue implements DeliveryQueue {
    readonly jobs: Array<{ job: DeliveryJob; delayMs: number; lane: DeliveryLane }> = [];

    enqueue(job: DeliveryJob, delayMs: number, lane: DeliveryLane) {
        this.jobs.push({ job, delayMs, lane });
        return Promise.resolve();
    }
}
