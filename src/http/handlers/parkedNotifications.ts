import type { z } from 'zod';
import { requireAdministrator } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import { type ParkedNotification, type PoisonDeps, redriveParkedNotification } from '../../domain/webhooks/poison';
import { BadRequestError, NotFoundError } from '../../errors/appError';
import { type EdgeHandler, handle } from '../handle';
import { routeId } from '../ids';
import { parkedNotificationsListQuery as listQuery } from '../schemas';

export interface ParkedNotificationsDeps extends Pick<PoisonDeps, 'parked' | 'redrive' | 'clock'> {
    readonly tokens: TokenValidator;
}

function parkedView(parked: ParkedNotification) {
    return {
        id: parked.id,
        state: parked.state,
        eventType: parked.message?.type,
        cancellationId: parked.message?.cancellationId,
        redrives: parked.redrives,
        firstParkedDateTime: parked.firstParkedAt,
        lastParkedDateTime: parked.lastParkedAt,
        nextRedriveDateTime: parked.nextRedriveAt,
        raw: parked.raw,
    };
}

function invalid(error: z.ZodError): BadRequestError {
    const issue = error.issues[0];
    return new BadRequestError('invalidRequest', `Invalid '${issue?.path.join('.') || 'request'}': ${issue?.message}`);
}

/** `GET /api/parkedNotifications?$top=&$skiptoken=` (admins): notifications whose fan-out was poisoned. */
export function listParkedNotificationsHandler(deps: ParkedNotificationsDeps): EdgeHandler {
    return handle(async (request) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requireAdministrator(caller);
        const parsed = listQuery.safeParse(Object.fromEntries(request.query.entries()));
        if (!parsed.success) throw invalid(parsed.error);
        const page = await deps.parked.list(caller.tenantId, parsed.data.$top ?? 50, parsed.data.$skiptoken);
        const body: Record<string, unknown> = { value: page.items.map(parkedView) };
        if (page.continuationToken) {
            const next = new URL(request.url);
            next.searchParams.set('$skiptoken', page.continuationToken);
            body['@odata.nextLink'] = next.toString();
        }
        return { status: 200, jsonBody: body };
    });
}

/** `POST /api/parkedNotifications/{id}/redrive` (admins): sends a parked notification again now. */
export function redriveParkedNotificationHandler(deps: ParkedNotificationsDeps): EdgeHandler {
    return handle(async (request) => {
        const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
        requireAdministrator(caller);
        const id = routeId(request.params.id);
        const stored = await deps.parked.get(caller.tenantId, id);
        if (!stored) throw new NotFoundError(`Parked notification '${id}' was not found.`, 'itemNotFound');
        if (stored.value.message === undefined) {
            throw new BadRequestError('notRedrivable', 'An unreadable message cannot be sent again.');
        }
        return { status: 202, jsonBody: parkedView(await redriveParkedNotification(stored, deps)) };
    });
}
