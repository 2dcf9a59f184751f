import { AppError, BadRequestError, ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { Clock } from '../ports/clock';
import { defaultInFlightLockMs, defaultWaitForOtherAttemptMs, isBusy, waitForOtherAttempt } from './concurrentAttempt';
import type { NotificationRelay } from './notificationRelay';
import { type OutboxDeps, saveAndNotify, saveOwingNotification } from './outbox';
import type { BookingsGraph, CalendarGraph, EventLocator, GraphReceipt } from './graphPorts';
import {
    type Actor,
    type AttemptOutcome,
    type CancellationRecord,
    type CancelledResource,
    type RecordedError,
    historyOf,
    withAttempt,
    withOutcome,
} from './record';
import { type CancellationStore, ItemClaimed } from './store';
import { ConcurrencyConflict, type Stored } from '../shared/stored';

/** Graph's own words for an attendee trying to cancel (graph-contract.md §1). */
export const organizerOnlyMessage = "Your request can't be completed. You need to be an organizer to cancel a meeting.";

export interface CancellationSettings {
    /** How long after Graph's acceptance reconciliation first re-verifies. */
    readonly verifyDelayMs: number;
    /** How long a `pending` record is left alone before reconciliation asks Graph what happened. */
    readonly pendingGraceMs: number;
    /** After this long an attempt still in flight is taken as abandoned; default {@link defaultInFlightLockMs}. */
    readonly inFlightLockMs?: number | undefined;
    /** How long a request waits for a concurrent attempt at the same item before a 409; default 10 s. */
    readonly waitForOtherAttemptMs?: number | undefined;
}

export interface CancellationDeps {
    readonly store: CancellationStore;
    readonly calendar: CalendarGraph;
    readonly bookings: BookingsGraph;
    /** Sends each accepted cancellation's notification once the caller has its answer. */
    readonly relay: NotificationRelay;
    /** Where a drift found on the request path is announced (sent before the re-cancel, as reconciliation does). */
    readonly notifications: OutboxDeps['notifications'];
    readonly clock: Clock;
    readonly newId: () => string;
    readonly settings: CancellationSettings;
    readonly log: (message: string) => void;
    /** Waits between reads of a record another request is working on; default a timer. */
    readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface CancelEventCommand {
    readonly tenantId: string;
    readonly actor: Actor;
    readonly event: EventLocator;
    /** Resolved mailbox owner (`user:<id>` or `group:<id>`), so every route form of one item has one key. */
    readonly mailbox: string;
    readonly eventId: string;
    readonly comment?: string | undefined;
    readonly clientRequestId?: string | undefined;
}

export interface CancelAppointmentCommand {
    readonly tenantId: string;
    readonly actor: Actor;
    readonly version: 'v1.0' | 'beta';
    readonly businessId: string;
    readonly appointmentId: string;
    readonly cancellationMessage: string;
    readonly clientRequestId?: string | undefined;
}

export interface CancelOutcome {
    readonly record: CancellationRecord;
    /** True when the item had already been cancelled through the gateway and the earlier result is returned. */
    readonly replayed: boolean;
}

/** What Graph says of an item: gone (404), there but cancelled, there and active, or no clear answer. */
type ItemState = 'gone' | 'cancelled' | 'active' | 'unknown';

type GraphRead<S> = { readonly ok: true; readonly value: S } | { readonly ok: false; readonly error: unknown };

/** One request to cancel one item, with what differs between events and booking appointments. */
interface ItemRequest<S extends GraphReceipt> {
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
type Requester = Pick<ItemRequest<GraphReceipt>, 'actor' | 'text'>;

const finishedStates = new Set(['accepted', 'verified', 'repaired']);
/** Rounds of "another request got there first" before giving up with a 409. */
const maxRounds = 3;

function recordedError(error: AppError): RecordedError {
    return { status: error.status, code: error.code, message: error.message };
}

const isNotFound = (error: unknown) => error instanceof UpstreamError && error.status === 404;

/** A write made before this request's Graph call lost to another writer (so deciding again is safe). */
class AnotherWriterFirst extends Error {
    constructor(readonly lost: Error) {
        super(lost.message);
        this.name = 'AnotherWriterFirst';
    }
}

function unwrap(error: unknown): unknown {
    return error instanceof AnotherWriterFirst ? error.lost : error;
}

/** Runs a write that precedes any Graph call, marking a lost race so the caller may decide again. */
async function beforeGraph<T>(write: () => Promise<T>): Promise<T> {
    try {
        return await write();
    } catch (error) {
        if (error instanceof ItemClaimed || error instanceof ConcurrencyConflict) throw new AnotherWriterFirst(error);
        throw error;
    }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Cancels through Graph and keeps the record straight: the intent is stored before Graph is called and the
 * result after, so a crash in between leaves a `pending` record that reconciliation finishes, never a lost one.
 * An item has one record at a time (the pointer is created conditionally) and one Graph call at a time (an attempt
 * is claimed with the record's ETag; others wait for it and replay its result).
 */
export class CancellationService {
    constructor(private readonly deps: CancellationDeps) {}

    async cancelEvent(command: CancelEventCommand): Promise<CancelOutcome> {
        const resourceKey = `event|${command.mailbox}|${command.eventId}`;
        return this.run({
            tenantId: command.tenantId,
            kind: 'event',
            resourceKey,
            actor: command.actor,
            text: { comment: command.comment },
            read: () => this.deps.calendar.getEvent(command.event, command.clientRequestId),
            isRecordPath: (record) => record.resource.graphPath === this.deps.calendar.eventPath(command.event),
            readRecordPath: async (record) => {
                const own = { version: record.resource.version, graphPath: record.resource.graphPath };
                try {
                    return (await this.deps.calendar.getEvent(own, command.clientRequestId)).isCancelled
                        ? 'cancelled'
                        : 'active';
                } catch (error) {
                    return isNotFound(error) ? 'gone' : 'unknown';
                }
            },
            isCancelled: (snapshot) => snapshot.isCancelled,
            mayCancel: (snapshot) => {
                if (!snapshot.isOrganizer) throw new BadRequestError('ErrorInvalidRequest', organizerOnlyMessage);
            },
            resource: (snapshot) => ({
                version: command.event.version,
                graphPath: this.deps.calendar.eventPath(command.event),
                resourceKey,
                mailbox: command.mailbox,
                eventId: command.eventId,
                eventType: snapshot.type,
                seriesMasterId: snapshot.seriesMasterId,
                iCalUId: snapshot.iCalUId,
                subject: snapshot.subject,
                start: snapshot.start,
                end: snapshot.end,
            }),
            audience: (snapshot) => snapshot.attendees,
            cancel: () => this.deps.calendar.cancelEvent(command.event, command.comment, command.clientRequestId),
        });
    }

    async cancelAppointment(command: CancelAppointmentCommand): Promise<CancelOutcome> {
        const businessKey = command.businessId.toLowerCase();
        const resourceKey = `bookingAppointment|${businessKey}|${command.appointmentId}`;
        const appointment = {
            version: command.version,
            businessId: command.businessId,
            appointmentId: command.appointmentId,
        };
        return this.run({
            tenantId: command.tenantId,
            kind: 'bookingAppointment',
            resourceKey,
            actor: command.actor,
            text: { cancellationMessage: command.cancellationMessage },
            read: () => this.deps.bookings.getAppointment(appointment, command.clientRequestId),
            // An appointment has one path (the business id is case-insensitive): every read is about the record's item.
            isRecordPath: () => true,
            readRecordPath: () => Promise.resolve('unknown'),
            isCancelled: () => false,
            mayCancel: () => undefined,
            resource: (snapshot) => ({
                version: command.version,
                graphPath: this.deps.bookings.appointmentPath(appointment),
                resourceKey,
                mailbox: businessKey,
                businessId: command.businessId,
                appointmentId: command.appointmentId,
                subject: snapshot.serviceName,
                start: snapshot.start,
                end: snapshot.end,
            }),
            audience: (snapshot) => snapshot.customers,
            cancel: () =>
                this.deps.bookings.cancelAppointment(appointment, command.cancellationMessage, command.clientRequestId),
        });
    }

    /**
     * Reads what the gateway already did for the item while Graph is asked for the item itself, then decides. A record
     * another request is working on is waited for and its result replayed. Otherwise Graph's answer decides, and only
     * an answer about the record's own item: gone or cancelled finishes a `pending` record and replays a finished one;
     * active means cancel (again): a `pending` or `drifted` record gets a new attempt, a finished one has drifted (as
     * reconciliation would find) and is re-cancelled as `drifted` → `repaired`. Failed ones are history only.
     */
    private async run<S extends GraphReceipt>(request: ItemRequest<S>): Promise<CancelOutcome> {
        const fromGraph: Promise<GraphRead<S>> = request.read().then(
            (value) => ({ ok: true, value }),
            (error: unknown) => ({ ok: false, error }),
        );
        let found = await this.deps.store.findByResource(request.tenantId, request.resourceKey);
        for (let round = 1; ; round++) {
            if (found && isBusy(found.value, this.deps.clock.now(), this.inFlightLockMs)) {
                return this.replayOther(found);
            }
            try {
                return await this.decide(request, found, await fromGraph);
            } catch (error) {
                // Another request created the item's record or changed this one first (before any Graph call of
                // this request): decide again on the record as it is now, waiting for its attempt if one runs.
                if (!(error instanceof AnotherWriterFirst) || round >= maxRounds) throw unwrap(error);
                found = await this.deps.store.findByResource(request.tenantId, request.resourceKey);
            }
        }
    }

    private async decide<S extends GraphReceipt>(
        request: ItemRequest<S>,
        found: Stored<CancellationRecord> | null,
        read: GraphRead<S>,
    ): Promise<CancelOutcome> {
        if (!read.ok && !isNotFound(read.error)) throw read.error;
        const earlier = found && found.value.state !== 'failed' ? found : undefined;
        if (!read.ok) {
            const graphRequestId = read.error instanceof UpstreamError ? read.error.graphRequestId : undefined;
            // Graph's 404 for another path (another calendar) says nothing of the record's item: ask about that one.
            const state = !earlier
                ? 'unknown'
                : request.isRecordPath(earlier.value)
                  ? 'gone'
                  : await request.readRecordPath(earlier.value);
            if (earlier && (state === 'gone' || state === 'cancelled')) {
                return beforeGraph(() => this.finishFound(earlier, request, graphRequestId));
            }
            // No record, or its item is still there (or Graph could not say): Graph's 404 for this path stands, and
            // the record is left to reconciliation.
            throw read.error;
        }
        const snapshot = read.value;
        if (earlier && request.isCancelled(snapshot)) {
            return beforeGraph(() => this.finishFound(earlier, request, snapshot.requestId));
        }
        request.mayCancel(snapshot);
        if (!earlier) {
            const created = await beforeGraph(() => this.recordIntent(request, snapshot, found?.value.id));
            return this.callGraph(created, snapshot.requestId, request.cancel, 'accepted');
        }
        const record = earlier.value;
        if (record.state === 'pending' || record.state === 'drifted') {
            const claimed = await beforeGraph(() => this.deps.store.update(this.claim(record, request), earlier.etag));
            return this.callGraph(
                claimed,
                snapshot.requestId,
                request.cancel,
                record.state === 'pending' ? 'accepted' : 'repaired',
            );
        }
        // A finished cancellation whose item is active again has drifted: announced and re-cancelled as
        // reconciliation does (`drifted` → `repaired`), in one conditional write that also claims the attempt.
        const drifted = await beforeGraph(() =>
            saveAndNotify({ ...this.claim(record, request), state: 'drifted' }, earlier.etag, this.deps),
        );
        return this.callGraph(drifted, snapshot.requestId, request.cancel, 'repaired');
    }

    /** The record with a new attempt by this caller in flight; the caller becomes its actor, with their text. */
    private claim(record: CancellationRecord, request: Requester): CancellationRecord {
        const now = this.deps.clock.now();
        return {
            ...record,
            actor: request.actor,
            comment: request.text.comment,
            cancellationMessage: request.text.cancellationMessage,
            updatedAt: now.toISOString(),
            history: withAttempt(historyOf(record), {
                actor: request.actor,
                ...request.text,
                at: now.toISOString(),
                outcome: 'inFlight',
            }),
            // If this process dies before Graph answers, reconciliation picks the record up after the grace period.
            nextCheckAt: new Date(now.getTime() + this.deps.settings.pendingGraceMs).toISOString(),
        };
    }

    /**
     * Graph shows the record's own item gone or cancelled: a finished record is replayed; a `pending` one is finished
     * as accepted (an earlier attempt did it) and a `drifted` one as repaired, the caller's request kept in its history.
     */
    private async finishFound(
        stored: Stored<CancellationRecord>,
        request: Requester,
        graphRequestId: string | undefined,
    ): Promise<CancelOutcome> {
        const record = stored.value;
        if (finishedStates.has(record.state)) return { record, replayed: true };
        const now = this.deps.clock.now().toISOString();
        const history = withAttempt(historyOf(record), {
            actor: request.actor,
            ...request.text,
            at: now,
            outcome: 'foundDone',
        });
        if (record.state === 'drifted') {
            const repaired = await this.deps.store.update(
                { ...record, state: 'repaired', history, updatedAt: now, nextCheckAt: undefined },
                stored.etag,
            );
            return { record: repaired.value, replayed: true };
        }
        const accepted = await this.accept({ ...stored, value: { ...record, history } }, graphRequestId);
        return { record: accepted, replayed: true };
    }

    /** Another request's attempt at this item is running: its result, once it has one, is this request's answer. */
    private async replayOther(found: Stored<CancellationRecord>): Promise<CancelOutcome> {
        const record = await waitForOtherAttempt(found, {
            store: this.deps.store,
            clock: this.deps.clock,
            sleep: this.deps.sleep ?? defaultSleep,
            inFlightLockMs: this.inFlightLockMs,
            waitMs: this.deps.settings.waitForOtherAttemptMs ?? defaultWaitForOtherAttemptMs,
        });
        if (finishedStates.has(record.state)) return { record, replayed: true };
        // It failed, or ended without an answer from Graph: the same answer, so a retry starts afresh.
        const error = record.lastError;
        if (error) throw new AppError(error.status, error.code, error.message);
        throw new ServiceUnavailableError('Another request for this item ended without a result; retry.', 1);
    }

    private get inFlightLockMs(): number {
        return this.deps.settings.inFlightLockMs ?? defaultInFlightLockMs;
    }

    private async recordIntent<S extends GraphReceipt>(
        request: ItemRequest<S>,
        snapshot: S,
        replaces: string | undefined,
    ): Promise<Stored<CancellationRecord>> {
        const now = this.deps.clock.now();
        return this.deps.store.create(
            {
                id: this.deps.newId(),
                tenantId: request.tenantId,
                kind: request.kind,
                state: 'pending',
                createdAt: now.toISOString(),
                updatedAt: now.toISOString(),
                actor: request.actor,
                resource: request.resource(snapshot),
                ...request.text,
                audience: request.audience(snapshot),
                graphRequestIds: [],
                attempts: 0,
                history: [{ actor: request.actor, ...request.text, at: now.toISOString(), outcome: 'inFlight' }],
                notificationPending: false,
                // If this process dies before Graph answers, reconciliation picks the record up after the grace period.
                nextCheckAt: new Date(now.getTime() + this.deps.settings.pendingGraceMs).toISOString(),
            },
            replaces,
        );
    }

    private async callGraph(
        claimed: Stored<CancellationRecord>,
        lookupRequestId: string | undefined,
        cancel: () => Promise<GraphReceipt>,
        success: 'accepted' | 'repaired',
    ): Promise<CancelOutcome> {
        const requestIds = [...claimed.value.graphRequestIds, ...(lookupRequestId ? [lookupRequestId] : [])];
        let receipt: GraphReceipt;
        try {
            receipt = await cancel();
        } catch (error) {
            await this.recordFailure(claimed, requestIds, error);
            throw error;
        }
        const done: Stored<CancellationRecord> = {
            ...claimed,
            value: {
                ...claimed.value,
                graphRequestIds: requestIds,
                attempts: claimed.value.attempts + 1,
                history: withOutcome(claimed.value.history, 'accepted'),
            },
        };
        if (success === 'accepted') return { record: await this.accept(done, receipt.requestId), replayed: false };
        // A drift repaired: saved as reconciliation saves its repair (the drift itself was announced).
        const repaired = await this.deps.store.update(
            {
                ...done.value,
                state: 'repaired',
                updatedAt: this.deps.clock.now().toISOString(),
                graphRequestIds: receipt.requestId ? [...requestIds, receipt.requestId] : requestIds,
                lastError: undefined,
                nextCheckAt: undefined,
            },
            done.etag,
        );
        return { record: repaired.value, replayed: false };
    }

    /**
     * Marks the record accepted with its notification owed, which is what the 202 waits for; the relay sends the
     * notification (enqueue, then clear the flag) after the answer, and reconciliation does if this process dies first.
     */
    private async accept(
        stored: Stored<CancellationRecord>,
        requestId: string | undefined,
    ): Promise<CancellationRecord> {
        const now = this.deps.clock.now();
        const accepted: CancellationRecord = {
            ...stored.value,
            state: 'accepted',
            updatedAt: now.toISOString(),
            graphRequestIds: requestId ? [...stored.value.graphRequestIds, requestId] : stored.value.graphRequestIds,
            lastError: undefined,
            nextCheckAt: new Date(now.getTime() + this.deps.settings.verifyDelayMs).toISOString(),
        };
        const flagged = await saveOwingNotification(accepted, stored.etag, this.deps);
        this.deps.relay.send(flagged, { nextCheckAt: accepted.nextCheckAt });
        return flagged.value;
    }

    private async recordFailure(pending: Stored<CancellationRecord>, requestIds: string[], error: unknown) {
        const definite = error instanceof UpstreamError && error.outcome === 'rejected';
        const now = this.deps.clock.now().toISOString();
        const appError = error instanceof AppError ? error : undefined;
        const graphRequestId = error instanceof UpstreamError ? error.graphRequestId : undefined;
        const outcome: AttemptOutcome = definite ? 'refused' : 'unknown';
        const update: CancellationRecord = {
            ...pending.value,
            updatedAt: now,
            attempts: pending.value.attempts + 1,
            graphRequestIds: graphRequestId ? [...requestIds, graphRequestId] : requestIds,
            lastError: appError ? recordedError(appError) : pending.value.lastError,
            // The attempt is over either way, so a retry need not wait for it.
            history: withOutcome(pending.value.history, outcome),
            // Graph refused: nothing happened, nothing to reconcile. Unknown outcome: stay pending for reconciliation.
            ...(definite ? { state: 'failed' as const, nextCheckAt: undefined } : {}),
        };
        try {
            await this.deps.store.update(update, pending.etag);
        } catch (storeError) {
            this.deps.log(`could not record the failure of cancellation ${pending.value.id}: ${String(storeError)}`);
        }
    }
}
