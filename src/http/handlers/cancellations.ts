import { isAdministrator } from '../../domain/access/permissions';
import { type CancellationRecord } from '../../domain/cancellation/record';
import type { CancellationStore } from '../../domain/cancellation/store';
import { mayReadRecord } from '../../domain/access/readRules';
import { NotFoundError } from '../../errors/appError';
import { cancellationView } from '../cancellationView';
import { routeId } from '../ids';
import { nextLink } from '../nextLink';
import type { RouteHandler } from '../routes/contract';
import {
    type CancellationList,
    type CancellationsQuery,
    type CancellationView,
    defaultCancellationsPageSize as defaultPageSize,
} from '../schemas';

export interface CancellationsDeps {
    readonly store: CancellationStore;
}

/** `GET /api/cancellations/{id}`. Someone else's record answers 404, so ids reveal nothing. */
export function getCancellationHandler(deps: CancellationsDeps): RouteHandler<undefined, undefined, CancellationView> {
    return async ({ caller, params }) => {
        const id = routeId(params.id);
        const stored = await deps.store.get(caller.tenantId, id);
        if (!stored || !mayReadRecord(caller, stored.value)) {
            throw new NotFoundError(`Cancellation '${id}' was not found.`, 'itemNotFound');
        }
        return { status: 200, jsonBody: cancellationView(stored.value) };
    };
}

/** `GET /api/cancellations?state=&origin=&since=&$top=&$skiptoken=`: the caller's own records, or every record for admins. */
export function listCancellationsHandler(
    deps: CancellationsDeps,
): RouteHandler<undefined, CancellationsQuery, CancellationList> {
    return async ({ request, caller, query }) => {
        const page = await deps.store.list({
            tenantId: caller.tenantId,
            actorObjectId: isAdministrator(caller) ? undefined : caller.objectId,
            state: query.state as CancellationRecord['state'] | undefined,
            origin: query.origin,
            since: query.since ? new Date(query.since).toISOString() : undefined,
            pageSize: query.$top ?? defaultPageSize,
            continuationToken: query.$skiptoken,
        });
        return {
            status: 200,
            jsonBody: { value: page.items.map(cancellationView), ...nextLink(request, page.continuationToken) },
        };
    };
}
