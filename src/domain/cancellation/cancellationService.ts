import { AppError, BadRequestError, ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { NotificationQueue } from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import { type OutboxDeps, saveAndNotify } from './outbox';
import type { AppointmentSnapshot, BookingsGraph, CalendarGraph, EventLocator, EventSnapshot } from './graphPorts';
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
    readonly notifications: NotificationQueue;
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
    private readonly outbox: OutboxDeps;

    constructor(private readonly deps: CancellationDeps) {
        this.outbox = { store: deps.store, notifications: deps.notifications, clock: deps.clock, log: deps.log };
    }

    async cancelEvent(command: CancelEventCommand): Promise<CancelOutcome> {
        const resourceKey = `event|${command.mailbox}|${command.eventId}`;
        const { done, pending: earlier } = await this.earlier(command.tenantId, resourceKey);
        if (done) return { record: done, replayed: true };

        let snapshot: EventSnapshot & { requestId: string | undefined };
        try {
            snapshot = await this.deps.calendar.getEvent(command.event, command.clientRequestId);
        } catch (error) {
            // An earlier attempt of ours that Graph did carry out leaves the item gone: finish that record.
            if (earlier && error instanceof UpstreamError && error.status === 404) {
                return { record: await this.accept(earlier, error.graphRequestId), replayed: true };
            }
            throw error;
        }
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
        const { done, pending: earlier } = await this.earlier(command.tenantId, resourceKey);
        if (done) return { record: done, replayed: true };

        let snapshot: AppointmentSnapshot & { requestId: string | undefined };
        try {
            snapshot = await this.deps.bookings.getAppointment(
                command.version,
                command.businessId,
                command.appointmentId,
                command.clientRequestId,
            );
        } catch (error) {
            if (earlier && error instanceof UpstreamError && error.status === 404) {
                return { record: await this.accept(earlier, error.graphRequestId), replayed: true };
            }
            throw error;
        }
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
     * What the gateway already did for this item: a finished cancellation is replayed; a `pending` one (an earlier
     * attempt whose outcome is unknown) is carried on rather than duplicated. Failed ones are history only.
     */
    private async earlier(tenantId: string, resourceKey: string) {
        const found = await this.deps.store.findByResource(tenantId, resourceKey);
        return {
            done: found && doneStates.has(found.value.state) ? found.value : undefined,
            pending: found?.value.state === 'pending' ? found : undefined,
        };
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

    /** Marks the record accepted and sends its notification (outbox: flag first, enqueue, then clear). */
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
        return (await saveAndNotify(accepted, stored.etag, this.outbox)).value;
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
