import type {
    AppointmentLocator,
    AppointmentSnapshot,
    BookingsGraph,
    GraphReceipt,
} from '../../domain/cancellation/graphPorts';
import { appointmentPath, cancelSegment } from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';
import { appointmentWire } from './wireShapes';

/** Graph's booking appointment read and `bookingAppointment: cancel`. */
export class GraphBookings implements BookingsGraph {
    constructor(private readonly graph: GraphClient) {}

    appointmentPath(appointment: AppointmentLocator): string {
        return appointmentPath(appointment);
    }

    async getAppointment(
        appointment: AppointmentLocator,
        clientRequestId?: string,
    ): Promise<AppointmentSnapshot & GraphReceipt> {
        const result = await this.graph.send({
            method: 'GET',
            version: appointment.version,
            path: appointmentPath(appointment),
            clientRequestId,
        });
        return { ...parsedResult(result, (body) => appointmentWire.parse(body)), requestId: result.requestId };
    }

    async cancelAppointment(appointment: AppointmentLocator, cancellationMessage: string, clientRequestId?: string) {
        const result = await this.graph.send({
            method: 'POST',
            version: appointment.version,
            path: `${appointmentPath(appointment)}${cancelSegment}`,
            body: { cancellationMessage },
            clientRequestId,
        });
        return { requestId: result.requestId };
    }
}
