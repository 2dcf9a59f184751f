import type { InvocationContext } from '@azure/functions';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { logFieldsOf, notificationMessageSchema } from '../domain/notifications/notificationMessage';
import { fanOut, type FanOutDeps } from '../domain/webhooks/fanOut';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { parseOrPark, queueMessageId } from './queueMessages';

/** Queue function on `notifications`: one message per cancellation → one delivery job per matching subscription. */
export function notificationFanOutHandler(deps: FanOutDeps, poison: JsonQueue) {
    return function notificationFanOut(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const notification = await parseOrPark(message, notificationMessageSchema, poison, context);
            if (!notification) return;
            annotateLogScope(logFieldsOf(notification));
            const queued = await fanOut(notification, deps);
            log.info(`notification ${notification.messageId}: ${queued} webhook deliveries queued`);
        });
    };
}
