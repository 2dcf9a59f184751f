import { AppError, BadRequestError, ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { Clock } from '../ports/clock';
import type { NotificationRelay } from './notificationRelay';
import { saveOwingNotification } from './outbox';
import type { BookingsGraph, CalendarGraph, EventLocator } from './graphPorts';
import type { Actor, CancellationRecord, CancelledResource, RecordedError, Stored } from './record';
import type { CancellationStore } from './store';

/** Graph's own words for an attendee trying to cancel (graph-contract.md §1). */
export const organizerOnlyMessage = "Your request can't be completed. You need to be an organizer to cancel a meeting.";

export interface CancellationSettings {
    /** How long after Graph's acceptance reconciliation first re-verifies. */
    readonly verifyDelayMs: number;
    /** How long a `pending` record is left alone before reconciliation asks Graph what happened. */
    readonly pendingGraceMs: number;
}

export interface CancellationDeps {
    readonly store: CancellationStore;
    readonly calendar: CalendarGraph;
    readonly bookings: BookingsGraph;
    /** Sends each accepted cancellation's notification once the caller has its answer. */
    readonly relay: NotificationRelay;
    readonly clock: Clock;
    readonly newId: () => string;
    readonly settings: CancellationSettings;
    readonly log: (message: string) => void;
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

const doneStates = new Set(['accepted', 'verified', 'repaired']);

function recordedError(error: AppError): RecordedError {
    return { status: error.status, code: error.code, message: error.message };
}

/**
 * Cancels through Graph and keeps the record straight: the intent is stored before Graph is called and the
 * result after, so a crash in between leaves a `pending` record that reconciliation finishes, never a lost one.
 */
export class CancellationService {
    constructor(private readonly deps: CancellationDeps) {}

    async cancelEvent(command: CancelEventCommand): Promise<CancelOutcome> {
        const resourceKey = `event|${command.mailbox}|${command.eventId}`;
        const found = await this.lookUp(command.tenantId, resourceKey, () =>
            this.deps.calendar.getEvent(command.event, command.clientRequestId),
        );
        if (found.outcome) return found.outcome;
        const { earlier, snapshot } = found;
        if (!snapshot.isOrganizer) throw new BadRequestError('ErrorInvalidRequest', organizerOnlyMessage);

        const resource: CancelledResource = {
            version: command.event.version,
            graphPath: command.event.path,
            resourceKey,
            mailbox: command.mailbox,
            eventId: command.eventId,
            eventType: snapshot.type,
            seriesMasterId: snapshot.seriesMasterId,
            iCalUId: snapshot.iCalUId,
            subject: snapshot.subject,
            start: snapshot.start,
            end: snapshot.end,
        };
        const pending =
            earlier ??
            (await this.recordIntent(command.tenantId, 'event', command.actor, resource, snapshot.attendees, {
                comment: command.comment,
            }));
        return this.callGraph(pending, snapshot.requestId, () =>
            this.deps.calendar.cancelEvent(command.event, command.comment, command.clientRequestId),
        );
    }

    async cancelAppointment(command: CancelAppointmentCommand): Promise<CancelOutcome> {
        const businessKey = command.businessId.toLowerCase();
        const resourceKey = `bookingAppointment|${businessKey}|${command.appointmentId}`;
        const found = await this.lookUp(command.tenantId, resourceKey, () =>
            this.deps.bookings.getAppointment(
                command.version,
                command.businessId,
                command.appointmentId,
                command.clientRequestId,
            ),
        );
        if (found.outcome) return found.outcome;
        const { earlier, snapshot } = found;
        const resource: CancelledResource = {
            version: command.version,
            graphPath: `/solutions/bookingBusinesses/${encodeURIComponent(command.businessId)}/appointments/${encodeURIComponent(command.appointmentId)}`,
            resourceKey,
            mailbox: businessKey,
            businessId: command.businessId,
            appointmentId: command.appointmentId,
            subject: snapshot.serviceName,
            start: snapshot.start,
            end: snapshot.end,
        };
        const pending =
            earlier ??
            (await this.recordIntent(
                command.tenantId,
                'bookingAppointment',
                command.actor,
                resource,
                snapshot.customers,
                {
                    cancellationMessage: command.cancellationMessage,
                },
            ));
        return this.callGraph(pending, snapshot.requestId, () =>
            this.deps.bookings.cancelAppointment(
                command.version,
                command.businessId,
                command.appointmentId,
                command.cancellationMessage,
                command.clientRequestId,
            ),
        );
    }

    /**
     * What the gateway already did for this item, read while Graph is asked for the item itself (the Graph read changes
     * nothing; it is wasted only on a replay, and it takes a Storage round trip off every first cancel). A finished
     * cancellation is replayed; a `pending` one (an earlier attempt whose outcome is unknown) is carried on rather than
     * duplicated, and finished as accepted when Graph says the item is gone. Failed ones are history only.
     */
    private async lookUp<T>(
        tenantId: string,
        resourceKey: string,
        readGraph: () => Promise<T>,
    ): Promise<
        | { readonly outcome: CancelOutcome }
        | {
              readonly outcome?: undefined;
              readonly earlier: Stored<CancellationRecord> | undefined;
              readonly snapshot: T;
          }
    > {
        const fromGraph = readGraph();
        // Awaited below, unless the store answers first with a replay or fails: then its outcome no longer matters.
        fromGraph.catch(() => undefined);
        const found = await this.deps.store.findByResource(tenantId, resourceKey);
        if (found && doneStates.has(found.value.state)) return { outcome: { record: found.value, replayed: true } };
        const earlier = found?.value.state === 'pending' ? found : undefined;
        try {
            return { earlier, snapshot: await fromGraph };
        } catch (error) {
            if (earlier && error instanceof UpstreamError && error.status === 404) {
                return { outcome: { record: await this.accept(earlier, error.graphRequestId), replayed: true } };
            }
            throw error;
        }
    }

    private async recordIntent(
        tenantId: string,
        kind: CancellationRecord['kind'],
        actor: Actor,
        resource: CancelledResource,
        audience: CancellationRecord['audience'],
        text: Pick<CancellationRecord, 'comment' | 'cancellationMessage'>,
    ): Promise<Stored<CancellationRecord>> {
        const now = this.deps.clock.now();
        return this.deps.store.create({
            id: this.deps.newId(),
            tenantId,
            kind,
            state: 'pending',
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
            actor,
            resource,
            ...text,
            audience,
            graphRequestIds: [],
            attempts: 0,
            notificationPending: false,
            // If this process dies before Graph answers, reconciliation picks the record up after the grace period.
            nextCheckAt: new Date(now.getTime() + this.deps.settings.pendingGraceMs).toISOString(),
        });
    }

    private async callGraph(
        pending: Stored<CancellationRecord>,
        lookupRequestId: string | undefined,
        cancel: () => Promise<{ requestId: string | undefined }>,
    ): Promise<CancelOutcome> {
        const requestIds = [...pending.value.graphRequestIds, ...(lookupRequestId ? [lookupRequestId] : [])];
        try {
            const receipt = await cancel();
            const record = await this.accept(
                {
                    ...pending,
                    value: { ...pending.value, graphRequestIds: requestIds, attempts: pending.value.attempts + 1 },
                },
                receipt.requestId,
            );
            return { record, replayed: false };
        } catch (error) {
            await this.recordFailure(pending, requestIds, error);
            throw error;
        }
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
        const uncertain = !definite && (error instanceof UpstreamError || error instanceof ServiceUnavailableError);
        const now = this.deps.clock.now().toISOString();
        const appError = error instanceof AppError ? error : undefined;
        const graphRequestId = error instanceof UpstreamError ? error.graphRequestId : undefined;
        const update: CancellationRecord = {
            ...pending.value,
            updatedAt: now,
            attempts: pending.value.attempts + 1,
            graphRequestIds: graphRequestId ? [...requestIds, graphRequestId] : requestIds,
            lastError: appError ? recordedError(appError) : undefined,
            // Graph refused: nothing happened, nothing to reconcile. Unknown outcome: stay pending for reconciliation.
            ...(definite ? { state: 'failed' as const, nextCheckAt: undefined } : {}),
        };
        if (!definite && !uncertain) return;
        try {
            await this.deps.store.update(update, pending.etag);
        } catch (storeError) {
            this.deps.log(`could not record the failure of cancellation ${pending.value.id}: ${String(storeError)}`);
        }
    }
}
