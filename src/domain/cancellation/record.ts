/**
 * A cancellation as the gateway records it. States move forward only:
 * `pending` (intent recorded, Graph not yet confirmed) → `accepted` (Graph said 202/204) → `verified`
 * (Graph shows it gone or cancelled) | `drifted` (it came back) → `repaired`; any unfinished one may end `failed`.
 */
export type CancellationState = 'pending' | 'accepted' | 'verified' | 'drifted' | 'repaired' | 'failed';

export const cancellationStates: readonly CancellationState[] = [
    'pending',
    'accepted',
    'verified',
    'drifted',
    'repaired',
    'failed',
];

export type CancellationKind = 'event' | 'bookingAppointment';

/** Who asked, from the validated token only. */
export interface Actor {
    readonly kind: 'user' | 'app';
    readonly objectId: string;
    readonly userPrincipalName?: string | undefined;
    readonly appId: string;
}

/** An attendee of a meeting or a customer of a booking: whoever the cancellation concerns. */
export interface Recipient {
    readonly name?: string | undefined;
    readonly address?: string | undefined;
    /** `required` | `optional` | `resource` for attendees; `customer` for booking customers. */
    readonly type: string;
    /** Attendee response (`accepted`, `declined`, …); absent for customers. */
    readonly response?: string | undefined;
    readonly phone?: string | undefined;
}

/** What was cancelled, as Graph addresses it and as it looked just before. */
export interface CancelledResource {
    /** Graph API version the caller used: `v1.0` or `beta`. */
    readonly version: 'v1.0' | 'beta';
    /** Path the gateway called Graph with, relative to the version, e.g. `/users/{id}/events/{id}`. */
    readonly graphPath: string;
    /** Stable key of the item (mailbox + item id) used to find an earlier cancellation of the same item. */
    readonly resourceKey: string;
    /** Mailbox owner: a user (id and UPN) or a group (id); for bookings the business id. */
    readonly mailbox: string;
    readonly eventId?: string | undefined;
    readonly businessId?: string | undefined;
    readonly appointmentId?: string | undefined;
    /** Graph's event `type`: singleInstance, occurrence, exception or seriesMaster. */
    readonly eventType?: string | undefined;
    readonly seriesMasterId?: string | undefined;
    readonly iCalUId?: string | undefined;
    readonly subject?: string | undefined;
    /** ISO 8601 UTC. */
    readonly start?: string | undefined;
    readonly end?: string | undefined;
}

export interface RecordedError {
    readonly status: number;
    readonly code: string;
    readonly message: string;
}

export interface CancellationRecord {
    readonly id: string;
    readonly tenantId: string;
    readonly kind: CancellationKind;
    readonly state: CancellationState;
    /** ISO 8601 UTC. */
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly actor: Actor;
    readonly resource: CancelledResource;
    /** Event cancel comment as the caller gave it. */
    readonly comment?: string | undefined;
    /** Booking cancellation message as sent to Graph. */
    readonly cancellationMessage?: string | undefined;
    readonly audience: readonly Recipient[];
    /** Graph `request-id`s of the calls made for this cancellation, oldest first. */
    readonly graphRequestIds: readonly string[];
    /** Graph cancel attempts so far. */
    readonly attempts: number;
    readonly lastError?: RecordedError | undefined;
    /** Whether the notification for the current state still has to be enqueued (outbox flag). */
    readonly notificationPending: boolean;
    /** When reconciliation should look at it next (ISO 8601 UTC); absent when nothing is left to do. */
    readonly nextCheckAt?: string | undefined;
}

/** A stored record with its optimistic-concurrency tag. */
export interface Stored<T> {
    readonly value: T;
    readonly etag: string;
}
