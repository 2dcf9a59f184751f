import type { BookingAccessDependencies } from '../../domain/access/accessDependencies';
import { authorizeBookingBusiness } from '../../domain/access/authorizeBookingBusiness';
import type { CancellationService } from '../../domain/cancellation/cancellationService';
import { BadRequestError } from '../../errors/appError';
import { actorOf, cancelledResponse } from '../cancelResponses';
import { graphVersion, routeId } from '../ids';
import { idempotentCancel, type IdempotencyOptions } from '../idempotency';
import type { RouteHandler } from '../routes/contract';
import type { CancelAppointmentBody } from '../schemas';

export interface CancelAppointmentDeps {
    readonly access: BookingAccessDependencies;
    readonly cancellations: CancellationService;
    readonly idempotency: IdempotencyOptions;
    /** Sent when the caller gives none: Graph wants a message, and customers read it. */
    readonly defaultCancellationMessage: string;
}

export type BookingRouteForm = 'solutions' | 'legacyBeta';

/**
 * `POST /api/v1.0/solutions/bookingBusinesses/{id}/appointments/{id}/cancel` (and beta), and the older
 * `beta/bookingBusinesses/…` form, which Graph's beta served before `/solutions`.
 */
export function cancelAppointmentHandler(
    route: { readonly route: string; readonly form: BookingRouteForm },
    deps: CancelAppointmentDeps,
): RouteHandler<CancelAppointmentBody> {
    const { form } = route;
    return async ({ request, scope, caller, params, body }) => {
        const version = graphVersion(params.version);
        if (form === 'legacyBeta' && version !== 'beta') {
            throw new BadRequestError('BadRequest', "Resource not found for the segment 'bookingBusinesses'.");
        }
        const businessId = routeId(params.businessId);
        const appointmentId = routeId(params.appointmentId);
        const cancellationMessage = body.cancellationMessage ?? undefined;
        const message = cancellationMessage?.trim() ? cancellationMessage : deps.defaultCancellationMessage;

        const { basis } = await authorizeBookingBusiness(caller, businessId, deps.access);
        const matched = { template: route.route, values: { version, businessId, appointmentId } };
        return idempotentCancel(
            deps.idempotency,
            request,
            caller,
            scope,
            matched,
            { cancellationMessage },
            async () => {
                const outcome = await deps.cancellations.cancelAppointment({
                    tenantId: caller.tenantId,
                    actor: actorOf(caller, basis),
                    version,
                    businessId,
                    appointmentId,
                    cancellationMessage: message,
                    clientRequestId: scope.requestId,
                });
                return cancelledResponse(outcome, 204);
            },
        );
    };
}
