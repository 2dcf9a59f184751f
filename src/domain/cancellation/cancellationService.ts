import { appointmentRequest, type CancelAppointmentCommand } from './appointmentCancel';
import { runAttempt } from './attemptFlow';
import { type AttemptContext, type CancellationDeps, requestSchedule } from './cancellationDeps';
import { type CancelEventCommand, eventRequest } from './eventCancel';
import type { CancelOutcome } from './itemRequest';

export type { CancelAppointmentCommand } from './appointmentCancel';
export type { CancellationDeps, CancellationSettings } from './cancellationDeps';
export { type CancelEventCommand, organizerOnlyMessage } from './eventCancel';
export type { CancelOutcome } from './itemRequest';

/**
 * Cancels through Graph and keeps the record straight: the intent is stored before Graph is called and the
 * result after, so a crash in between leaves a `pending` record that reconciliation finishes, never a lost one.
 * An item has one record at a time (the pointer is created conditionally) and one Graph call at a time (an attempt
 * is claimed with the record's ETag; others wait for it and replay its result).
 *
 * What differs between an event and an appointment is in eventCancel.ts and appointmentCancel.ts; the attempt both
 * go through (decide, claim, call Graph, record its answer) in attemptFlow.ts and graphAnswer.ts.
 */
export class CancellationService {
    private readonly context: AttemptContext;

    constructor(private readonly deps: CancellationDeps) {
        this.context = { deps, schedule: requestSchedule(deps.settings) };
    }

    async cancelEvent(command: CancelEventCommand): Promise<CancelOutcome> {
        return runAttempt(this.context, eventRequest(command, this.deps.calendar));
    }

    async cancelAppointment(command: CancelAppointmentCommand): Promise<CancelOutcome> {
        return runAttempt(this.context, appointmentRequest(command, this.deps.bookings));
    }
}
