import { permissions } from '../auth';
import { readActionParameters } from '../body';
import { GraphError, itemNotFound, segmentNotFound } from '../errors';
import { emptyResponse, jsonResponse, queryParam } from '../http';
import { isMalformedId } from '../ids';
import { appointmentWire, businessWire, staffWire } from '../store/bookings';
import { type Appointment, type BookingBusiness } from '../store/model';
import { odataContext, type Route, type RouteContext } from '../routeTypes';
import { parseInstant } from '../time';

function findBusiness(ctx: RouteContext, id: string): BookingBusiness {
    const business = ctx.state.tenant.findBusiness(id);
    if (!business) throw itemNotFound();
    return business;
}

function findAppointment(business: BookingBusiness, id: string): Appointment {
    if (isMalformedId(id)) throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
    const appointment = business.appointments.get(id);
    if (!appointment || appointment.cancelled) throw itemNotFound();
    return appointment;
}

function businessFragment(business: string): string {
    return `solutions/bookingBusinesses('${encodeURIComponent(business)}')`;
}

function cancel(ctx: RouteContext, businessId: string, appointmentId: string) {
    const business = findBusiness(ctx, businessId);
    const params = readActionParameters(ctx.req, 'cancel', ['cancellationMessage']);
    const appointment = findAppointment(business, appointmentId);
    appointment.cancelled = { at: Date.now(), cancellationMessage: params.cancellationMessage ?? null };
    appointment.lastUpdatedDateTime = Date.now();
    return emptyResponse(204);
}

/** Routes under `bookingBusinesses` (after `solutions/` in v1.0 and beta, or directly in the older beta form). */
export function bookingsRoute(segs: string[], lower: string[]): Route {
    const businessId = segs[0];
    const read = () => permissions.bookingsRead;
    const byMethod = (m: string) => (m === 'GET' ? permissions.bookingsRead : permissions.bookingsCancel);
    const base = { api: 'bookings' as const, mailbox: () => businessId };
    const readRoute = (handle: Route['handle']): Route => ({ ...base, methods: ['GET'], permissions: read, handle });
    if (businessId === undefined) {
        return readRoute((ctx) =>
            jsonResponse(200, {
                '@odata.context': odataContext(ctx.version, 'solutions/bookingBusinesses'),
                value: ctx.state.tenant.businesses.map((b) => ({ id: b.id, displayName: b.displayName })),
            }),
        );
    }
    if (segs.length === 1) {
        return readRoute((ctx) =>
            jsonResponse(200, {
                '@odata.context': odataContext(ctx.version, 'solutions/bookingBusinesses/$entity'),
                ...businessWire(findBusiness(ctx, businessId)),
            }),
        );
    }
    const collection = lower[1];
    const itemId = segs[2];
    if (collection === 'staffmembers' && segs.length <= 3) {
        return readRoute((ctx) => {
            const business = findBusiness(ctx, businessId);
            const fragment = `${businessFragment(business.id)}/staffMembers`;
            if (itemId === undefined) {
                return jsonResponse(200, {
                    '@odata.context': odataContext(ctx.version, fragment),
                    value: business.staffMembers.map((s) => ({
                        '@odata.type': '#microsoft.graph.bookingStaffMember',
                        ...staffWire(s, business),
                    })),
                });
            }
            const staff = business.staffMembers.find((s) => s.id === itemId);
            if (!staff) throw itemNotFound();
            return jsonResponse(200, {
                '@odata.context': odataContext(ctx.version, `${fragment}/$entity`),
                '@odata.type': '#microsoft.graph.bookingStaffMember',
                ...staffWire(staff, business),
            });
        });
    }
    if (collection === 'appointments' || collection === 'calendarview') {
        if (itemId === undefined) {
            return readRoute((ctx) => {
                const business = findBusiness(ctx, businessId);
                let items = [...business.appointments.values()].filter((a) => !a.cancelled);
                if (collection === 'calendarview') {
                    const start = parseInstant(queryParam(ctx.req.query, 'start') ?? '');
                    const end = parseInstant(queryParam(ctx.req.query, 'end') ?? '');
                    if (start === undefined || end === undefined) {
                        throw new GraphError(
                            400,
                            'ErrorInvalidParameter',
                            "The parameters 'start' and 'end' are required.",
                        );
                    }
                    items = items.filter((a) => a.start < end && a.end > start);
                }
                return jsonResponse(200, {
                    '@odata.context': odataContext(ctx.version, `${businessFragment(business.id)}/${segs[1] ?? ''}`),
                    value: items.sort((a, b) => a.start - b.start).map((a) => appointmentWire(a, ctx.version)),
                });
            });
        }
        if (segs.length === 3) {
            return {
                ...base,
                methods: ['GET', 'DELETE'],
                permissions: byMethod,
                handle: (ctx) => {
                    const business = findBusiness(ctx, businessId);
                    const appointment = findAppointment(business, itemId);
                    if (ctx.req.method === 'DELETE') {
                        appointment.cancelled = { at: Date.now(), cancellationMessage: null };
                        return emptyResponse(204);
                    }
                    return jsonResponse(200, {
                        '@odata.context': odataContext(
                            ctx.version,
                            `${businessFragment(business.id)}/appointments/$entity`,
                        ),
                        ...appointmentWire(appointment, ctx.version),
                    });
                },
            };
        }
        if (segs.length === 4 && lower[3] === 'cancel') {
            return {
                ...base,
                methods: ['POST'],
                permissions: byMethod,
                handle: (ctx) => cancel(ctx, businessId, itemId),
            };
        }
    }
    const known = ['appointments', 'staffmembers', 'calendarview'];
    throw segmentNotFound(
        known.includes(collection ?? '') ? (segs[3] ?? segs[1] ?? businessId) : (segs[1] ?? businessId),
    );
}
