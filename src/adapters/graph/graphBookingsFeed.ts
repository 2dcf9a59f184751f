import * as z from 'zod';
import type { BookingSnapshot } from '../../domain/feed/bookingSnapshot';
import type { BookingsFeedGraph } from '../../domain/feed/bookingsPoll';
import { UpstreamError } from '../../errors/upstreamError';
import { appointmentPath, bookingBusinessesPath, pageLinkCall } from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';
import { appointmentWire } from './wireShapes';

const pageWire = z.object({ value: z.array(appointmentWire), '@odata.nextLink': z.string().nullish() });
const businessesWire = z.object({
    value: z.array(z.object({ id: z.string() })),
    '@odata.nextLink': z.string().nullish(),
});

/** The Bookings poll's reads: businesses, a business's calendar view (every page), and one appointment. */
export class GraphBookingsFeed implements BookingsFeedGraph {
    constructor(private readonly graph: GraphClient) {}

    async listBusinesses(): Promise<readonly string[]> {
        const ids: string[] = [];
        let call: { path: string; query: Record<string, string> } | undefined = {
            path: bookingBusinessesPath,
            query: { $select: 'id' },
        };
        while (call !== undefined) {
            const result = await this.graph.send({ method: 'GET', version: 'v1.0', ...call });
            const page = parsedResult(result, (body) => businessesWire.parse(body));
            ids.push(...page.value.map((business) => business.id));
            call = page['@odata.nextLink'] ? pageLinkCall(page['@odata.nextLink'], 'v1.0') : undefined;
        }
        return ids;
    }

    async calendarView(businessId: string, start: string, end: string): Promise<readonly BookingSnapshot[]> {
        const appointments: BookingSnapshot[] = [];
        let call: { path: string; query: Record<string, string> } | undefined = {
            path: `/solutions/bookingBusinesses/${encodeURIComponent(businessId)}/calendarView`,
            query: { start, end },
        };
        while (call !== undefined) {
            const result = await this.graph.send({ method: 'GET', version: 'v1.0', ...call });
            const page = parsedResult(result, (body) => pageWire.parse(body));
            for (const wire of page.value) {
                const startMs = Date.parse(wire.start ?? '');
                // Without a start nothing can be said of it later (cancelled before it, or ended?): not kept.
                if (Number.isNaN(startMs)) continue;
                const endMs = Date.parse(wire.end ?? '');
                appointments.push({
                    id: wire.id,
                    businessId,
                    ...(wire.serviceName === undefined ? {} : { serviceName: wire.serviceName }),
                    start: new Date(startMs).toISOString(),
                    ...(Number.isNaN(endMs) ? {} : { end: new Date(endMs).toISOString() }),
                    customers: wire.customers.map((customer) => ({
                        ...(customer.name === undefined ? {} : { name: customer.name }),
                        ...(customer.address === undefined ? {} : { address: customer.address }),
                        ...(customer.phone === undefined ? {} : { phone: customer.phone }),
                        type: 'customer' as const,
                    })),
                });
            }
            call = page['@odata.nextLink'] ? pageLinkCall(page['@odata.nextLink'], 'v1.0') : undefined;
        }
        return appointments;
    }

    async appointmentExists(businessId: string, appointmentId: string): Promise<boolean> {
        try {
            await this.graph.send({
                method: 'GET',
                version: 'v1.0',
                path: appointmentPath({ version: 'v1.0', businessId, appointmentId }),
                query: { $select: 'id' },
            });
            return true;
        } catch (error) {
            if (error instanceof UpstreamError && error.status === 404) return false;
            throw error;
        }
    }
}
