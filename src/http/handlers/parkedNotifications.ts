import { isJobMessage, type NotificationMessage } from '../../domain/notifications/notificationMessage';
import { type ParkedNotification, type PoisonDeps, redriveParkedNotification } from '../../domain/webhooks/poison';
import { BadRequestError, NotFoundError } from '../../errors/appError';
import { routeId } from '../ids';
import { nextLink } from '../nextLink';
import type { RouteHandler } from '../routes/contract';
import type { ParkedNotificationList, ParkedNotificationsQuery, ParkedNotificationView } from '../schemas';

export type ParkedNotificationsDeps = Pick<PoisonDeps, 'parked' | 'redrive' | 'clock'>;

function aboutOf(message: NotificationMessage): Pick<ParkedNotificationView, 'cancellationId' | 'jobId'> {
    return isJobMessage(message) ? { jobId: message.jobId } : { cancellationId: message.cancellationId };
}

function parkedView(parked: ParkedNotification): ParkedNotificationView {
    return {
        id: parked.id,
        state: parked.state,
        eventType: parked.message?.type,
        ...(parked.message === undefined ? {} : aboutOf(parked.message)),
        redrives: parked.redrives,
        firstParkedDateTime: parked.firstParkedAt,
        lastParkedDateTime: parked.lastParkedAt,
        nextRedriveDateTime: parked.nextRedriveAt,
        raw: parked.raw,
    };
}

/** `GET /api/parkedNotifications?$top=&$skiptoken=` (admins): notifications whose fan-out was poisoned. */
export function listParkedNotificationsHandler(
    deps: ParkedNotificationsDeps,
): RouteHandler<undefined, ParkedNotificationsQuery, ParkedNotificationList> {
    return async ({ request, caller, query }) => {
        const page = await deps.parked.list(caller.tenantId, query.$top ?? 50, query.$skiptoken);
        return {
            status: 200,
            jsonBody: { value: page.items.map(parkedView), ...nextLink(request, page.continuationToken) },
        };
    };
}

/** `POST /api/parkedNotifications/{id}/redrive` (admins): sends a parked notification again now. */
export function redriveParkedNotificationHandler(
    deps: ParkedNotificationsDeps,
): RouteHandler<undefined, undefined, ParkedNotificationView> {
    return async ({ caller, params }) => {
        const id = routeId(params.id);
        const stored = await deps.parked.get(caller.tenantId, id);
        if (!stored) throw new NotFoundError(`Parked notification '${id}' was not found.`, 'itemNotFound');
        if (stored.value.message === undefined) {
            throw new BadRequestError('notRedrivable', 'An unreadable message cannot be sent again.');
        }
        return { status: 202, jsonBody: parkedView(await redriveParkedNotification(stored, deps)) };
    };
}
