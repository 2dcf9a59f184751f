import type { GraphReceipt } from './graphPorts';
import type { Actor, CancellationRecord, CancelledResource } from './record';

export interface CancelOutcome {
    readonly record: CancellationRecord;
    /** True when the item had already been cancelled through the gateway and the earlier result is returned. */
    readonly replayed: boolean;
}

/** What Graph says of an item: gone (404), there but cancelled, there and active, or no clear answer. */
export type ItemState = 'gone' | 'cancelled' | 'active' | 'unknown';

export type GraphRead<S> = { readonly ok: true; readonly value: S } | { readonly ok: false; readonly error: unknown };

/** One request to cancel one item, with what differs between events and booking appointments. */
export interface ItemRequest<S extends GraphReceipt> {
    readonly tenantId: string;
    readonly kind: CancellationRecord['kind'];
    readonly resourceKey: string;
    readonly actor: Actor;
    readonly text: Pick<CancellationRecord, 'comment' | 'cancellationMessage'>;
    /** Graph's read of the item through the caller's path. */
    readonly read: () => Promise<S>;
    /** Whether the caller's path is the record's own (then Graph's answer about it decides the record). */
    readonly isRecordPath: (record: CancellationRecord) => boolean;
    /** Graph's answer about the record's own item, asked when the caller's path is another one. */
    readonly readRecordPath: (record: CancellationRecord) => Promise<ItemState>;
    readonly isCancelled: (snapshot: S) => boolean;
    /** Throws Graph's refusal when the caller may not cancel this item (an attendee). */
    readonly mayCancel: (snapshot: S) => void;
    readonly resource: (snapshot: S) => CancelledResource;
    readonly audience: (snapshot: S) => CancellationRecord['audience'];
    readonly cancel: () => Promise<GraphReceipt>;
}

/** Who is asking, with their text: what an attempt records. */
export type Requester = Pick<ItemRequest<GraphReceipt>, 'actor' | 'text'>;
