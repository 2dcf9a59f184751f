import { readJsonObject } from '../body';
import { GraphError, itemNotFound } from '../errors';
import { type EmuRequest, type EmuResponse, emptyResponse, jsonResponse, queryParam } from '../http';
import { adminAppointmentView } from '../store/bookings';
import { adminItemView, cancelEvent, deleteEvent, findItem } from '../store/events';
import { type EmulatorState } from '../state';
import { lifecycleEvents } from './notifier';
import { subscriptionWire } from './subscriptions';

function onlyPost(req: EmuRequest): void {
    if (req.method !== 'POST') {
        throw new GraphError(405, 'BadRequest', 'The OData request is not supported.', { Allow: 'POST' });
    }
}

function optionalString(body: Record<string, unknown> | undefined, name: string): string | null {
    const value = body?.[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new GraphError(400, 'BadRequest', `'${name}' must be a string.`);
    return value;
}

/**
 * `POST /_emulator/mailboxes/{m}/events/{id}/cancelInOutlook` `{comment?}`: the organizer cancels in Outlook, which
 * sends the cancellation (attendees' copies `isCancelled: true`) and moves the organizer's event to Deleted Items,
 * as Graph's cancel does. `deleteInOutlook`: an organizer deletes a meeting without attendees, or an attendee
 * deletes their copy (to Deleted Items). An organizer's meeting with attendees must be cancelled instead (Outlook
 * turns its delete into sending the cancellation).
 */
export function outlookAction(
    state: EmulatorState,
    req: EmuRequest,
    mailboxRef: string,
    id: string,
    action: 'cancelinoutlook' | 'deleteinoutlook',
): EmuResponse {
    onlyPost(req);
    const mailbox = state.tenant.findMailbox(mailboxRef);
    if (!mailbox) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${mailboxRef}' is invalid.`);
    const item = findItem(mailbox, id);
    if (!item || item.state !== 'active') throw itemNotFound();
    if (action === 'cancelinoutlook') {
        const comment = optionalString(readJsonObject(req, { optional: true }), 'comment');
        cancelEvent(state.tenant, mailbox, item, comment, 'cancel');
    } else {
        if (item.isOrganizer && item.attendees.length > 0) {
            throw new GraphError(
                400,
                'ErrorInvalidRequest',
                'The organizer of a meeting with attendees cancels it (cancelInOutlook); Outlook sends the cancellation on delete.',
            );
        }
        deleteEvent(state.tenant, mailbox, item);
    }
    return jsonResponse(200, adminItemView(item, mailbox));
}

/**
 * `POST /_emulator/bookingBusinesses/{b}/appointments/{id}/cancelInBookings` `{cancellationMessage?}`: staff (or the
 * customer's link) cancel on the Bookings page: the appointment is gone from Graph (404 on GET, not in
 * calendarView) and its customers get their mail. Graph has no change notification for Bookings.
 */
export function cancelInBookings(state: EmulatorState, req: EmuRequest, businessRef: string, id: string): EmuResponse {
    onlyPost(req);
    const business = state.tenant.findBusiness(businessRef);
    const appointment = business?.appointments.get(id);
    if (!appointment || appointment.cancelled) throw itemNotFound();
    const message = optionalString(readJsonObject(req, { optional: true }), 'cancellationMessage');
    appointment.cancelled = { at: Date.now(), cancellationMessage: message };
    appointment.lastUpdatedDateTime = Date.now();
    return jsonResponse(200, adminAppointmentView(appointment));
}

/**
 * `POST /_emulator/subscriptions/{id}/lifecycle` `{lifecycleEvent}`: sends Graph's lifecycle notification to the
 * subscription's `lifecycleNotificationUrl` (202 with the batch); `subscriptionRemoved` also deletes it.
 */
export function lifecycle(state: EmulatorState, req: EmuRequest, id: string): EmuResponse {
    onlyPost(req);
    const subscription = state.notifier.subscriptions.find(id);
    if (!subscription) throw new GraphError(404, 'ResourceNotFound', 'The object was not found.');
    const event = readJsonObject(req, { optional: false })?.lifecycleEvent;
    const known = lifecycleEvents.find((e) => e === event);
    if (!known) {
        throw new GraphError(400, 'BadRequest', `lifecycleEvent must be one of ${lifecycleEvents.join(', ')}.`);
    }
    if (subscription.lifecycleNotificationUrl === null) {
        throw new GraphError(400, 'BadRequest', 'The subscription has no lifecycleNotificationUrl.');
    }
    const batch = state.notifier.sendLifecycle(subscription, known, subscription.lifecycleNotificationUrl);
    return jsonResponse(202, batch);
}

/** `GET /_emulator/subscriptions`: every live subscription, of every app. */
export function listSubscriptions(state: EmulatorState, req: EmuRequest): EmuResponse {
    if (req.method !== 'GET') throw new GraphError(405, 'BadRequest', 'Only GET is supported.', { Allow: 'GET' });
    return jsonResponse(200, { value: state.notifier.subscriptions.live().map(subscriptionWire) });
}

/** `GET /_emulator/notifications[?subscriptionId=]`: what was sent, with outcomes; DELETE forgets them. */
export function notificationLog(state: EmulatorState, req: EmuRequest): EmuResponse {
    if (req.method === 'DELETE') {
        state.notifier.clearLog();
        return emptyResponse(204);
    }
    if (req.method !== 'GET') {
        throw new GraphError(405, 'BadRequest', 'The OData request is not supported.', { Allow: 'GET, DELETE' });
    }
    return jsonResponse(200, { value: state.notifier.sent(queryParam(req.query, 'subscriptionId')) });
}
