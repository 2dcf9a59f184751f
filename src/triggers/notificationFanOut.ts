import type { InvocationContext } from '@azure/functions';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import {
    logFieldsOf,
    notificationsIn,
    notificationsQueueMessageSchema,
} from '../domain/notifications/notificationMessage';
import { fanOutAll, type FanOutDeps } from '../domain/webhooks/fanOut';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { parseOrPark, queueMessageId } from './queueMessages';

/**
 * Queue function on `notifications`: each notification of the message (one, or the relay's batch) → one delivery job
 * per matching subscription.
 */
export function notificationFanOutHandler(deps: FanOutDeps, poison: JsonQueue) {
    return function notificationFanOut(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const parsed = await parseOrPark(message, notificationsQueueMessageSchema, poison, context);
            if (!parsed) return;
            const notifications = notificationsIn(parsed);
            const [only] = notifications;
            if (notifications.length === 1 && only !== undefined) annotateLogScope(logFieldsOf(only));
            const queued = await fanOutAll(notifications, deps);
            notifications.forEach((notification, index) => {
                log.info(
                    `notification ${notification.messageId}: ${queued[index] ?? 0} webhook deliveries queued`,
                    logFieldsOf(notification),
                );
            });
        });
    };
}
