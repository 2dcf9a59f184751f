import type { AppointmentSnapshot, BookingsGraph, GraphReceipt } from './graphPorts';
import type { ItemRequest } from './itemRequest';
import type { Actor } from './record';

export interface CancelAppointmentCommand {
    readonly tenantId: string;
    readonly actor: Actor;
    readonly version: 'v1.0' | 'beta';
    readonly businessId: string;
    readonly appointmentId: string;
    readonly cancellationMessage: string;
    readonly clientRequestId?: string | undefined;
}

/** A booking appointment cancel as the shared attempt flow runs it. */
export function appointmentRequest(
    command: CancelAppointmentCommand,
    bookings: BookingsGraph,
): ItemRequest<AppointmentSnapshot & GraphReceipt> {
    const businessKey = command.businessId.toLowerCase();
    const resourceKey = `bookingAppointment|${businessKey}|${command.appointmentId}`;
    const appointment = {
        version: command.version,
        businessId: command.businessId,
        appointmentId: command.appointmentId,
    };
    return {
        tenantId: command.tenantId,
        kind: 'bookingAppointment',
        resourceKey,
        actor: command.actor,
        text: { cancellationMessage: command.cancellationMessage },
        read: () => bookings.getAppointment(appointment, command.clientRequestId),
        // An appointment has one path (the business id is case-insensitive): every read is about the record's item.
        isRecordPath: () => true,
        readRecordPath: () => Promise.resolve('unknown'),
        isCancelled: () => false,
        mayCancel: () => undefined,
        resource: (snapshot) => ({
            version: command.version,
            graphPath: bookings.appointmentPath(appointment),
            resourceKey,
            mailbox: businessKey,
            businessId: command.businessId,
            appointmentId: command.appointmentId,
            subject: snapshot.serviceName,
            start: snapshot.start,
            end: snapshot.end,
        }),
        audience: (snapshot) => snapshot.customers,
        cancel: () => bookings.cancelAppointment(appointment, command.cancellationMessage, command.clientRequestId),
    };
}
