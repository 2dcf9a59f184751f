import { type CancellationRecord, originOf } from '../../../src/domain/cancellation/record';
import {
    type CancellationPage,
    type CancellationStore,
    ItemClaimed,
    type ListCancellationsQuery,
    type RecordChange,
} from '../../../src/domain/cancellation/store';
import { ConcurrencyConflict, type Stored } from '../../../src/domain/shared/stored';

/** An in-memory CancellationStore for unit tests of the domain (the Table one is tested on Azurite). */
export class MemoryCancellationStore implements CancellationStore {
    readonly records = new Map<string, Stored<CancellationRecord>>();
    /** The item pointer: tenant + resourceKey → the id of the item's record, as the Table store keeps it. */
    readonly pointers = new Map<string, string>();
    /** The meeting pointer: tenant + meetingKey → the record holding the meeting (gateway records take it over). */
    readonly meetings = new Map<string, string>();
    private version = 0;

    private save(record: CancellationRecord): Stored<CancellationRecord> {
        const stored = { value: structuredClone(record), etag: `W/"${++this.version}"` };
        this.records.set(`${record.tenantId}/${record.id}`, stored);
        return stored;
    }

    create(record: CancellationRecord, replaces?: string) {
        if (this.records.has(`${record.tenantId}/${record.id}`)) return Promise.reject(new Error('exists'));
        const pointer = `${record.tenantId}/${record.resource.resourceKey}`;
        const holder = this.pointers.get(pointer);
        if (holder !== undefined && holder !== replaces) {
            return Promise.reject(new ItemClaimed(record.resource.resourceKey));
        }
        const { meetingKey } = record.resource;
        const meeting = meetingKey === undefined ? undefined : `${record.tenantId}/${meetingKey}`;
        if (meeting !== undefined && originOf(record) !== 'gateway' && this.meetings.has(meeting)) {
            return Promise.reject(new ItemClaimed(meetingKey ?? record.resource.resourceKey));
        }
        if (meeting !== undefined) this.meetings.set(meeting, record.id);
        this.pointers.set(pointer, record.id);
        return Promise.resolve(this.save(record));
    }

    update(record: CancellationRecord, etag: string) {
        const current = this.records.get(`${record.tenantId}/${record.id}`);
        if (!current || current.etag !== etag)
            return Promise.reject(new ConcurrencyConflict('cancellation', record.id));
        return Promise.resolve(this.save(record));
    }

    updateEach(changes: readonly RecordChange[]) {
        return Promise.allSettled(changes.map(({ record, etag }) => this.update(record, etag)));
    }

    get(tenantId: string, id: string) {
        return Promise.resolve(this.records.get(`${tenantId}/${id}`) ?? null);
    }

    findByResource(tenantId: string, resourceKey: string) {
        const id = this.pointers.get(`${tenantId}/${resourceKey}`);
        return Promise.resolve(id === undefined ? null : (this.records.get(`${tenantId}/${id}`) ?? null));
    }

    findByMeeting(tenantId: string, meetingKey: string) {
        const id = this.meetings.get(`${tenantId}/${meetingKey}`);
        return Promise.resolve(id === undefined ? null : (this.records.get(`${tenantId}/${id}`) ?? null));
    }

    /** Stores a record as it is (a test's starting state), pointing its item at it. */
    seed(record: CancellationRecord): Stored<CancellationRecord> {
        this.pointers.set(`${record.tenantId}/${record.resource.resourceKey}`, record.id);
        if (record.resource.meetingKey !== undefined) {
            this.meetings.set(`${record.tenantId}/${record.resource.meetingKey}`, record.id);
        }
        return this.save(record);
    }

    list(query: ListCancellationsQuery): Promise<CancellationPage> {
        const items = [...this.records.values()]
            .map((r) => r.value)
            .filter(
                (r) =>
                    r.tenantId === query.tenantId &&
                    (!query.actorObjectId || r.actor.objectId === query.actorObjectId) &&
                    (!query.state || r.state === query.state) &&
                    (!query.origin || originOf(r) === query.origin) &&
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
