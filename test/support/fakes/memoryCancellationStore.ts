import type { CancellationRecord, Stored } from '../../../src/domain/cancellation/record';
import {
    type CancellationPage,
    type CancellationStore,
    ConcurrencyConflict,
    type ListCancellationsQuery,
} from '../../../src/domain/cancellation/store';

/** An in-memory CancellationStore for unit tests of the domain (the Table one is tested on Azurite). */
export class MemoryCancellationStore implements CancellationStore {
    readonly records = new Map<string, Stored<CancellationRecord>>();
    private version = 0;

    private save(record: CancellationRecord): Stored<CancellationRecord> {
        const stored = { value: structuredClone(record), etag: `W/"${++this.version}"` };
        this.records.set(`${record.tenantId}/${record.id}`, stored);
        return stored;
    }

    create(record: CancellationRecord) {
        if (this.records.has(`${record.tenantId}/${record.id}`)) return Promise.reject(new Error('exists'));
        return Promise.resolve(this.save(record));
    }

    update(record: CancellationRecord, etag: string) {
        const current = this.records.get(`${record.tenantId}/${record.id}`);
        if (!current || current.etag !== etag) return Promise.reject(new ConcurrencyConflict(record.id));
        return Promise.resolve(this.save(record));
    }

    get(tenantId: string, id: string) {
        return Promise.resolve(this.records.get(`${tenantId}/${id}`) ?? null);
    }

    findByResource(tenantId: string, resourceKey: string) {
        const matches = [...this.records.values()]
            .filter((r) => r.value.tenantId === tenantId && r.value.resource.resourceKey === resourceKey)
            .sort((a, b) => b.value.createdAt.localeCompare(a.value.createdAt));
        return Promise.resolve(matches[0] ?? null);
    }

    list(query: ListCancellationsQuery): Promise<CancellationPage> {
        const items = [...this.records.values()]
            .map((r) => r.value)
            .filter(
                (r) =>
                    r.tenantId === query.tenantId &&
                    (!query.actorObjectId || r.actor.objectId === query.actorObjectId) &&
                    (!query.state || r.state === query.state) &&
                    (!query.since || r.createdAt >= query.since),
            )
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        const start = Number(query.continuationToken ?? 0);
        const page = items.slice(start, start + query.pageSize);
        const next = start + query.pageSize < items.length ? String(start + query.pageSize) : undefined;
        return Promise.resolve({ items: page, continuationToken: next });
    }

    listDue(tenantId: string, now: string, limit: number) {
        return Promise.resolve(
            [...this.records.values()]
                .filter((r) => r.value.tenantId === tenantId && r.value.nextCheckAt && r.value.nextCheckAt <= now)
                .sort((a, b) => a.value.nextCheckAt!.localeCompare(b.value.nextCheckAt!))
                .slice(0, limit),
        );
    }
}
