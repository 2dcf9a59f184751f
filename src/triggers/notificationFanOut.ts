import type { InvocationContext } from '@azure/functions';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { notificationMessageSchema } from '../domain/notifications/notificationMessage';
import { fanOut, type FanOutDeps } from '../domain/webhooks/fanOut';
import { parseOrPark } from './queueMessages';

/** Queue function on `notifications`: one message per cancellation → one delivery job per matching subscription. */
export function notificationFanOutHandler(deps: FanOutDeps, poison: JsonQueue) {
    return async function notificationFanOut(message: unknown, context: InvocationContext): Promise<void> {
        const notification = await parseOrPark(message, notificationMessageSchema, poison, context);
        if (!notification) return;
        const queued = await fanOut(notification, deps);
        context.log(`notification ${notification.messageId}: ${queued} webhook deliveries queued`);
    };
}
