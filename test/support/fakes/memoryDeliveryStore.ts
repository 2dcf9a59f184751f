import type { Stored } from '../../../src/domain/cancellation/record';
import { ConcurrencyConflict } from '../../../src/domain/cancellation/store';
import type {
    Delivery,
    DeliveryJob,
    DeliveryQueue,
    DeliveryStore,
    ListDeliveriesQuery,
} from '../../../src/domain/webhooks/delivery';

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
        if (!current || current.etag !== etag) return Promise.reject(new ConcurrencyConflict(delivery.id));
        return Promise.resolve(this.save(delivery));
    }

    get(tenantId: string, id: string) {
        const found = this.rows.get(`${tenantId}/${id}`);
        return Promise.resolve(found ? structuredClone(found) : null);
    }

    list(query: ListDeliveriesQuery) {
        return Promise.resolve(
            [...this.rows.values()]
                .map((r) => r.value)
                .filter(
                    (d) =>
                        d.tenantId === query.tenantId &&
                        (!query.state || d.state === query.state) &&
                        (!query.subscriptionId || d.subscriptionId === query.subscriptionId) &&
                        (!query.since || d.createdAt >= query.since),
                )
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                .slice(0, query.limit),
        );
    }
}

/** Records what would be enqueued, with its delay. */
export class RecordingDeliveryQueue implements DeliveryQueue {
    readonly jobs: Array<{ job: DeliveryJob; delayMs: number }> = [];

    enqueue(job: DeliveryJob, delayMs: number) {
        this.jobs.push({ job, delayMs });
        return Promise.resolve();
    }
}
