import { routePermissions, requirePermission } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import type { MailboxAccessDependencies } from '../../domain/access/accessDependencies';
import { authorizeMailbox, type MailboxTarget } from '../../domain/access/authorizeMailbox';
import type { CancellationService } from '../../domain/cancellation/cancellationService';
import { actionParameters, readJsonObject } from '../body';
import { actorOf, cancelledResponse } from '../cancelResponses';
import { type EdgeHandler, handle } from '../handle';
import { graphVersion, routeId } from '../ids';
import { idempotentCancel, type IdempotencyOptions } from '../idempotency';
import { type EventCancelRoute, graphEventPath } from '../routes/eventCancelRoutes';
import { cancelEventParameters } from '../schemas';

export interface CancelEventDeps {
    readonly tokens: TokenValidator;
    readonly access: MailboxAccessDependencies;
    readonly cancellations: CancellationService;
    readonly idempotency: IdempotencyOptions;
}

/** `POST /api/{version}/…/events/{id}/cancel`, one handler per route form. */
export function cancelEventHandler(route: EventCancelRoute, deps: CancelEventDeps): EdgeHandler {
    return handle(async (request, _context, scope) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requirePermission(caller, routePermissions.eventCancel);

        const { params } = request;
        const version = graphVersion(params.version);
        const ids = {
            eventId: routeId(params.eventId),
            calendarId: params.calendarId === undefined ? undefined : routeId(params.calendarId),
            calendarGroupId: params.calendarGroupId === undefined ? undefined : routeId(params.calendarGroupId),
            seriesMasterId: params.seriesMasterId === undefined ? undefined : routeId(params.seriesMasterId),
        };
        const target: MailboxTarget =
            route.owner === 'me'
                ? { kind: 'me' }
                : route.owner === 'users'
                  ? { kind: 'user', idOrUpn: routeId(params.owner) }
                  : { kind: 'group', groupId: routeId(params.owner) };
        const { comment } = actionParameters(await readJsonObject(request), 'cancel', cancelEventParameters);

        const mailbox = await authorizeMailbox(caller, target, deps.access);
        const owner = mailbox.kind === 'user' ? mailbox.userId : mailbox.groupId;
        const matched = { template: route.route, values: { version, owner: params.owner, ...ids } };
        return idempotentCancel(deps.idempotency, request, caller, scope, matched, { comment }, async () => {
            const outcome = await deps.cancellations.cancelEvent({
                tenantId: caller.tenantId,
                actor: actorOf(caller),
                event: { version, path: graphEventPath(route, mailbox, ids) },
                mailbox: `${mailbox.kind}:${owner}`,
                eventId: ids.eventId,
                comment,
                clientRequestId: scope.requestId,
            });
            return cancelledResponse(outcome, 202);
        });
    });
}
