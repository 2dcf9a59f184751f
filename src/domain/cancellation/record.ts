import type { BookingAccessBasis } from '../access/authorizeBookingBusiness';
import type { MailboxAccessBasis } from '../access/authorizeMailbox';

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

/**
 * Why the caller was allowed to act on the item (src/domain/access): their own mailbox (`owner`), a delegate or a
 * booking business named for them in the tenant policy (`delegate`, `policy`), a member of the group (`groupMember`),
 * on the business's staff (`staff`), an application granted it in the policy (`application`), or the
 * `Cancellations.Admin` app role (`administrator`: a bulk cancellation job). `observed`: nobody asked the gateway;
 * the feed saw the cancellation made in Outlook or Bookings, and the actor is the organizer or business.
 */
export type AccessBasis = MailboxAccessBasis | BookingAccessBasis | 'administrator' | 'observed';

/**
 * Where the cancellation was made: through the gateway, or outside it and seen by the feed (issue 18): in Outlook or
 * Teams (`outlook`, from Graph change notifications) or in Bookings (`bookings`, from the poll).
 */
export type CancellationOrigin = 'gateway' | 'outlook' | 'bookings';

export const cancellationOrigins: readonly CancellationOrigin[] = ['gateway', 'outlook', 'bookings'];

/** A record's origin; records written before origins were kept were all made through the gateway. */
export function originOf(record: Pick<CancellationRecord, 'origin'>): CancellationOrigin {
    return record.origin ?? 'gateway';
}

/** Who asked, from the validated token only, and on what basis they were allowed. */
export interface Actor {
    readonly kind: 'user' | 'app';
    readonly objectId: string;
    readonly userPrincipalName?: string | undefined;
    readonly appId: string;
    /** Absent on records written before it was kept. */
    readonly basis?: AccessBasis | undefined;
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
    /**
     * Graph's immutable id of the event (read before the cancel): it survives the move to Deleted Items and back, so
     * reconciliation looks the item up by it. Absent on records written before it was kept, and for appointments.
     */
    readonly immutableId?: string | undefined;
    readonly businessId?: string | undefined;
    readonly appointmentId?: string | undefined;
    /** Graph's event `type`: singleInstance, occurrence, exception or seriesMaster. */
    readonly eventType?: string | undefined;
    readonly seriesMasterId?: string | undefined;
    readonly iCalUId?: string | undefined;
    /**
     * The meeting's key (organizer + iCalUId + occurrence start, src/domain/feed/meetingKey.ts): the store keeps one
     * pointer row per meeting with it, so the feed reports a meeting the gateway cancelled, or already reported, no
     * more. Absent for appointments, when Graph left a part out, and on records written before it was kept.
     */
    readonly meetingKey?: string | undefined;
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

/**
 * What became of one request's try at the item: `inFlight` while its Graph call runs (another request waits for it
 * instead of calling Graph too), `accepted` (Graph said 202/204), `foundDone` (Graph showed the item gone or
 * cancelled, so an earlier attempt had done it), `refused` (Graph's definite error) or `unknown` (no answer).
 */
export type AttemptOutcome = 'inFlight' | 'accepted' | 'foundDone' | 'refused' | 'unknown';

/** One caller's request to cancel the item, as the record keeps it (oldest first). */
export interface CancelAttempt {
    readonly actor: Actor;
    /** The event comment or booking message this caller sent. */
    readonly comment?: string | undefined;
    readonly cancellationMessage?: string | undefined;
    /** When the attempt started (ISO 8601 UTC). */
    readonly at: string;
    readonly outcome: AttemptOutcome;
    /** Set when reconciliation made the attempt on the record's behalf (`actor` is then the record's actor). */
    readonly by?: 'reconciliation' | undefined;
}

/** How many attempts a record keeps: the first (who started it) and the newest ones. */
export const maxKeptAttempts = 20;

/** The history with `attempt` appended, keeping the first and the newest within {@link maxKeptAttempts}. */
export function withAttempt(
    history: readonly CancelAttempt[] | undefined,
    attempt: CancelAttempt,
): readonly CancelAttempt[] {
    const all = [...(history ?? []), attempt];
    if (all.length <= maxKeptAttempts) return all;
    return [...all.slice(0, 1), ...all.slice(all.length - maxKeptAttempts + 1)];
}

/** The history with its newest attempt's outcome set (the attempt this request started). */
export function withOutcome(
    history: readonly CancelAttempt[] | undefined,
    outcome: AttemptOutcome,
): readonly CancelAttempt[] | undefined {
    const last = history?.[history.length - 1];
    return last === undefined ? history : [...(history ?? []).slice(0, -1), { ...last, outcome }];
}

/** The record's history, or for a record written before histories were kept, its one known attempt. */
export function historyOf(record: CancellationRecord): readonly CancelAttempt[] {
    if (record.history !== undefined) return record.history;
    const outcome =
        record.state === 'failed'
            ? 'refused'
            : record.state === 'pending' || record.state === 'drifted'
              ? 'unknown'
              : 'accepted';
    return [
        {
            actor: record.actor,
            comment: record.comment,
            cancellationMessage: record.cancellationMessage,
            at: record.createdAt,
            outcome,
        },
    ];
}

/** Whether `objectId` asked for this cancellation: its current actor or the caller of any kept attempt. */
export function isRequester(record: CancellationRecord, objectId: string): boolean {
    return (
        record.actor.objectId === objectId ||
        (record.history ?? []).some((attempt) => attempt.actor.objectId === objectId)
    );
}

export interface CancellationRecord {
    readonly id: string;
    readonly tenantId: string;
    readonly kind: CancellationKind;
    /** Absent on gateway records (and on every record written before origins were kept): see {@link originOf}. */
    readonly origin?: CancellationOrigin | undefined;
    readonly state: CancellationState;
    /** ISO 8601 UTC. */
    readonly createdAt: string;
    readonly updatedAt: string;
    /** Who performed the cancel: the caller of the newest attempt that went to Graph. */
    readonly actor: Actor;
    readonly resource: CancelledResource;
    /** Event cancel comment as the performing caller gave it. */
    readonly comment?: string | undefined;
    /** Booking cancellation message as sent to Graph. */
    readonly cancellationMessage?: string | undefined;
    readonly audience: readonly Recipient[];
    /** Graph `request-id`s of the calls made for this cancellation, oldest first. */
    readonly graphRequestIds: readonly string[];
    /** Graph cancel attempts so far (reconciliation's included). */
    readonly attempts: number;
    /** Each request to cancel the item, oldest first (absent on records written before it was kept). */
    readonly history?: readonly CancelAttempt[] | undefined;
    readonly lastError?: RecordedError | undefined;
    /** Whether the notification for the current state still has to be enqueued (outbox flag). */
    readonly notificationPending: boolean;
    /** When reconciliation should look at it next (ISO 8601 UTC); absent when nothing is left to do. */
    readonly nextCheckAt?: string | undefined;
    /** What reconciliation last found of the item in Graph (absent until it looked, and on older records). */
    readonly lastFinding?: ItemFinding | undefined;
}

/**
 * What Graph showed of the item: `gone` (404: purged, or its old regular id), `inDeletedItems` (found by its
 * immutable id outside every calendar), `cancelled` (`isCancelled`), `active` (in a calendar, not cancelled).
 */
export type ItemFinding = 'gone' | 'inDeletedItems' | 'cancelled' | 'active';
