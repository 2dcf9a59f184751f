import { type CancellationRecord, originOf } from '../cancellation/record';
import type { NotificationMessage } from '../notifications/notificationMessage';
import type { Subscription } from './subscription';

/**
 * The Standard Webhooks payload `{type, timestamp, data}`: the cancellation, what it concerned, the comment or
 * message, and who it concerns (attendees, or booking customers), plus the subscriber's `clientState`.
 */
export function webhookPayload(message: NotificationMessage, record: CancellationRecord, subscription: Subscription) {
    const { resource } = record;
    return {
        type: message.type,
        timestamp: message.occurredAt,
        data: {
            cancellationId: record.id,
            kind: record.kind,
            origin: originOf(record),
            state: record.state,
            requestedBy: record.actor,
            resource: {
                version: resource.version,
                path: resource.graphPath,
                eventId: resource.eventId,
                businessId: resource.businessId,
                appointmentId: resource.appointmentId,
                type: resource.eventType,
                seriesMasterId: resource.seriesMasterId,
                iCalUId: resource.iCalUId,
                subject: resource.subject,
                start: resource.start,
                end: resource.end,
            },
            ...(record.kind === 'event'
                ? { comment: record.comment, attendees: record.audience }
                : { cancellationMessage: record.cancellationMessage, customers: record.audience }),
            ...(subscription.clientState === undefined ? {} : { clientState: subscription.clientState }),
        },
    };
}
