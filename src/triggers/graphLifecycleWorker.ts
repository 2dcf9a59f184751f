import type { InvocationContext } from '@azure/functions';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { handleLifecycle, type LifecycleDeps } from '../domain/feed/lifecycle';
import { lifecycleMessageSchema } from '../domain/feed/lifecycleMessage';
import { log } from '../observability/logger';
import { withLogScope } from '../observability/logScope';
import { parseOrPark, queueMessageId } from './queueMessages';

/**
 * Queue function on `graph-lifecycle`: what a lifecycle notification asked for (renew, create again, delta
 * catch-up). A failure is retried by the host (the work is idempotent) and poisoned after `maxDequeueCount`.
 */
export function graphLifecycleWorkerHandler(deps: LifecycleDeps, poison: JsonQueue) {
    return function graphLifecycleWorker(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const parsed = await parseOrPark(message, lifecycleMessageSchema, poison, context);
            if (!parsed) return;
            const outcome = await handleLifecycle(parsed, deps);
            const what = typeof outcome === 'string' ? outcome : `caught up ${outcome.caughtUp} changes`;
            log.info(`feed: ${parsed.lifecycleEvent} for ${parsed.mailbox} (${parsed.subscriptionId}): ${what}`);
        });
    };
}
