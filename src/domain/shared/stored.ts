/** A stored value with its optimistic-concurrency tag (an ETag for Table Storage). */
export interface Stored<T> {
    readonly value: T;
    readonly etag: string;
}

/** Another writer changed the stored item since it was read: read it again and decide again. */
export class ConcurrencyConflict extends Error {
    constructor(
        /** What kind of item: `cancellation`, `subscription`, `delivery`, … */
        readonly itemKind: string,
        readonly itemId: string,
    ) {
        super(`${itemKind} ${itemId} was changed by another writer`);
        this.name = 'ConcurrencyConflict';
    }
}
