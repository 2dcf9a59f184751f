import type { CancellationOrigin, CancellationRecord, CancellationState } from './record';
import type { Stored } from '../shared/stored';

export interface ListCancellationsQuery {
    readonly tenantId: string;
    /** Only records made by this caller (object id); omit for every caller (admins). */
    readonly actorObjectId?: string | undefined;
    readonly state?: CancellationState | undefined;
    /** Only records of this origin (`gateway` includes the records written before origins were kept). */
    readonly origin?: CancellationOrigin | undefined;
    /** Only records created at or after this ISO 8601 instant. */
    readonly since?: string | undefined;
    readonly pageSize: number;
    /** Opaque token from the previous page. */
    readonly continuationToken?: string | undefined;
}

/** A record's next version and the ETag of the version it replaces. */
export interface RecordChange {
    readonly record: CancellationRecord;
    readonly etag: string;
}

export interface CancellationPage {
    readonly items: readonly CancellationRecord[];
    readonly continuationToken?: string | undefined;
}

/**
 * Durable cancellation records (Azure Table `cancellations`). Implementations keep `tenantId` in every key,
 * make the due set readable without scanning history, and use ETags for optimistic concurrency.
 */
export interface CancellationStore {
    /**
     * Inserts a new record and makes it the item's record (the pointer {@link findByResource} follows), in one
     * transaction. The pointer is inserted when the item has none, or replaced when it still names `replaces` (a
     * record the caller read and supersedes, e.g. a `failed` one); when another record holds it, nothing is written
     * and {@link ItemClaimed} is thrown, so of two concurrent first cancels of one item only one goes on to Graph.
     */
    create(record: CancellationRecord, replaces?: string): Promise<Stored<CancellationRecord>>;
    /** Replaces a record if its ETag still matches; throws {@link ConcurrencyConflict} otherwise. */
    update(record: CancellationRecord, etag: string): Promise<Stored<CancellationRecord>>;
    /**
     * `update` of each change, in as few round trips as the store can: each change settles as its own `update` would
     * (a stale ETag refuses that change only), in the order given.
     */
    updateEach(changes: readonly RecordChange[]): Promise<PromiseSettledResult<Stored<CancellationRecord>>[]>;
    get(tenantId: string, id: string): Promise<Stored<CancellationRecord> | null>;
    /** The record the item's pointer names (the newest one made for it) (`resource.resourceKey`), if this gateway ever recorded one. */
    findByResource(tenantId: string, resourceKey: string): Promise<Stored<CancellationRecord> | null>;
    /**
     * The record holding the meeting's pointer (`resource.meetingKey`): the gateway's cancel of the meeting, or the
     * outside cancellation the feed recorded for it. A record with a meeting key writes the pointer with the record,
     * in its transaction: a gateway record takes it over, an outside record only when no record holds it (else
     * {@link ItemClaimed}).
     */
    findByMeeting(tenantId: string, meetingKey: string): Promise<Stored<CancellationRecord> | null>;
    /** Newest first. */
    list(query: ListCancellationsQuery): Promise<CancellationPage>;
    /** Records whose `nextCheckAt` is at or before `now`, oldest due first, at most `limit`. */
    listDue(tenantId: string, now: string, limit: number): Promise<readonly Stored<CancellationRecord>[]>;
}

/** Another record is the item's record (another request created it first): nothing was written. */
export class ItemClaimed extends Error {
    constructor(readonly resourceKey: string) {
        super(`another cancellation already holds item ${resourceKey}`);
        this.name = 'ItemClaimed';
    }
}
