import * as z from 'zod';

const customerSchema = z.strictObject({
    name: z.string().max(400).optional(),
    address: z.string().max(400).optional(),
    phone: z.string().max(100).optional(),
    type: z.literal('customer'),
});

/**
 * One appointment as the Bookings poll last saw it (a row of the snapshot table, and the `snapshot` of a
 * `bookingAppointment` FeedChangeMessage): what the record needs once Graph no longer has the appointment.
 */
export const bookingSnapshotSchema = z.strictObject({
    id: z.string().min(1).max(400),
    businessId: z.string().min(1).max(400),
    serviceName: z.string().max(400).optional(),
    /** ISO 8601 UTC. */
    start: z.iso.datetime(),
    end: z.iso.datetime().optional(),
    customers: z.array(customerSchema).max(500),
});

export type BookingSnapshot = z.infer<typeof bookingSnapshotSchema>;
