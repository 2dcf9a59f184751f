import type { InvocationContext } from '@azure/functions';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { feedChangeMessageSchema } from '../domain/feed/changeMessage';
import { type FeedWorkerDeps, handleFeedChanges } from '../domain/feed/handleFeedChange';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { parseOrPark, queueMessageId } from './queueMessages';

/**
 * Queue function on `graph-changes`: the watched items (one, or a POST's batch) that may have been cancelled outside the gateway → at most one
 * record per meeting, with its notification (docs/feed.md). Graph errors throw, so the host retries the message.
 */
export function feedChangeWorkerHandler(deps: FeedWorkerDeps, poison: JsonQueue) {
    return function feedChangeWorker(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const change = await parseOrPark(message, feedChangeMessageSchema, poison, context);
            if (!change) return;
            const kind = change.kind === 'events' ? 'event' : change.kind;
            for (const { item, result } of await handleFeedChanges(change, deps)) {
                if (result.outcome === 'recorded') annotateLogScope({ cancellationId: result.recordId });
                const detail =
                    result.outcome === 'recorded'
                        ? `recorded as ${result.recordId}`
                        : result.outcome === 'alreadyRecorded'
                          ? 'meeting already recorded'
                          : `not a cancellation (${result.reason})`;
                log.info(`graph change ${kind} ${item}: ${detail}`);
            }
        });
    };
}
