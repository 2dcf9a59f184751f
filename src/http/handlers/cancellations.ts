import type { Caller } from '../../auth/caller';
import { grantedPermission, routePermissions, requirePermission } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import { type CancellationRecord, isRequester } from '../../domain/cancellation/record';
import type { CancellationStore } from '../../domain/cancellation/store';
import { BadRequestError, NotFoundError } from '../../errors/appError';
import { cancellationView } from '../cancellationView';
import { type EdgeHandler, handle } from '../handle';
import { routeId } from '../ids';
import { cancellationsListQuery as listQuery, defaultCancellationsPageSize as defaultPageSize } from '../schemas';

export interface CancellationsDeps {
    readonly tokens: TokenValidator;
    readonly store: CancellationStore;
}

const cancelPermissions = [...routePermissions.eventCancel, ...routePermissions.bookingCancel];
const isAdmin = (caller: Caller) => grantedPermission(caller, routePermissions.admin) !== undefined;

/**
 * A caller may read a record they asked for (its performing actor, or the caller of any attempt it keeps) with the
 * permission that made it; admins may read any.
 */
function mayRead(caller: Caller, record: CancellationRecord): boolean {
    if (isAdmin(caller)) return true;
    const needed = record.kind === 'event' ? routePermissions.eventCancel : routePermissions.bookingCancel;
    return isRequester(record, caller.objectId) && grantedPermission(caller, needed) !== undefined;
}

/** `GET /api/cancellations/{id}`. Someone else's record answers 404, so ids reveal nothing. */
export function getCancellationHandler(deps: CancellationsDeps): EdgeHandler {
    return handle(async (request) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requirePermission(caller, [...cancelPermissions, ...routePermissions.admin]);
        const id = routeId(request.params.id);
        const stored = await deps.store.get(caller.tenantId, id);
        if (!stored || !mayRead(caller, stored.value)) {
            throw new NotFoundError(`Cancellation '${id}' was not found.`, 'itemNotFound');
        }
        return { status: 200, jsonBody: cancellationView(stored.value) };
    });
}

/** `GET /api/cancellations?state=&since=&$top=&$skiptoken=`: the caller's own records, or every record for admins. */
export function listCancellationsHandler(deps: CancellationsDeps): EdgeHandler {
    return handle(async (request) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requirePermission(caller, [...cancelPermissions, ...routePermissions.admin]);
        const parsed = listQuery.safeParse(Object.fromEntries(request.query.entries()));
        if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new BadRequestError(
                'invalidRequest',
                `Invalid query parameter '${String(issue?.path[0])}': ${issue?.message}`,
            );
        }
        const query = parsed.data;
        const page = await deps.store.list({
            tenantId: caller.tenantId,
            actorObjectId: isAdmin(caller) ? undefined : caller.objectId,
            state: query.state as CancellationRecord['state'] | undefined,
            since: query.since ? new Date(query.since).toISOString() : undefined,
            pageSize: query.$top ?? defaultPageSize,
            continuationToken: query.$skiptoken,
        });
        const body: Record<string, unknown> = { value: page.items.map(cancellationView) };
        if (page.continuationToken) {
            const next = new URL(request.url);
            next.searchParams.set('$skiptoken', page.continuationToken);
            body['@odata.nextLink'] = next.toString();
        }
        return { status: 200, jsonBody: body };
    });
}
