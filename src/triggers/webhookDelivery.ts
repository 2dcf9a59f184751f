import type { InvocationContext } from '@azure/functions';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { deliver, type DeliverDeps } from '../domain/webhooks/deliver';
import { deliveryJobSchema } from '../domain/webhooks/delivery';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { parseOrPark, queueMessageId } from './queueMessages';

/**
 * Queue function on either delivery lane (`webhook-deliveries`, `webhook-deliveries-retry`): one attempt of one
 * delivery; retries are re-enqueued on the retry lane with a delay.
 */
export function webhookDeliveryHandler(deps: DeliverDeps, poison: JsonQueue) {
    return function webhookDelivery(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const job = await parseOrPark(message, deliveryJobSchema, poison, context);
            if (!job) return;
            annotateLogScope({ deliveryId: job.deliveryId });
            const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
            const outcome = await deliver(job, deps, { redelivered: dequeueCount > 1 });
            log.info(`delivery ${job.deliveryId} attempt ${job.attempt}: ${outcome}`);
        });
    };
}
