import type { MailboxAccessDependencies } from '../../domain/access/accessDependencies';
import { authorizeMailbox, type MailboxTarget } from '../../domain/access/authorizeMailbox';
import type { CancellationService } from '../../domain/cancellation/cancellationService';
import { actorOf, cancelledResponse } from '../cancelResponses';
import { graphVersion, routeId } from '../ids';
import { idempotentCancel, type IdempotencyOptions } from '../idempotency';
import type { RouteHandler } from '../routes/contract';
import { type EventCancelRoute, eventLocator } from '../routes/eventCancelRoutes';
import type { CancelEventBody } from '../schemas';

export interface CancelEventDeps {
    readonly access: MailboxAccessDependencies;
    readonly cancellations: CancellationService;
    readonly idempotency: IdempotencyOptions;
}

/** `POST /api/{version}/…/events/{id}/cancel`, one handler per route form. */
export function cancelEventHandler(route: EventCancelRoute, deps: CancelEventDeps): RouteHandler<CancelEventBody> {
    return async ({ request, scope, caller, params, body }) => {
        const version = graphVersion(params.version);
        const optionalId = (value: string | undefined) => (value === undefined ? undefined : routeId(value));
        const ids = {
            eventId: routeId(params.eventId),
            calendarId: optionalId(params.calendarId),
            calendarGroupId: optionalId(params.calendarGroupId),
            seriesMasterId: optionalId(params.seriesMasterId),
        };
        const target: MailboxTarget =
            route.owner === 'me'
                ? { kind: 'me' }
                : route.owner === 'users'
                  ? { kind: 'user', idOrUpn: routeId(params.owner) }
                  : { kind: 'group', groupId: routeId(params.owner) };
        const comment = body.comment ?? undefined;

        const mailbox = await authorizeMailbox(caller, target, deps.access);
        const owner = mailbox.kind === 'user' ? mailbox.userId : mailbox.groupId;
        const matched = { template: route.route, values: { version, owner: params.owner, ...ids } };
        return idempotentCancel(deps.idempotency, request, caller, scope, matched, { comment }, async () => {
            const outcome = await deps.cancellations.cancelEvent({
                tenantId: caller.tenantId,
                actor: actorOf(caller, mailbox.basis),
                event: eventLocator(route, version, mailbox, ids),
                mailbox: `${mailbox.kind}:${owner}`,
                eventId: ids.eventId,
                comment,
                clientRequestId: scope.requestId,
            });
            return cancelledResponse(outcome, 202);
        });
    };
}
