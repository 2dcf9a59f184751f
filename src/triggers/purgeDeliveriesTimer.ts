import type { InvocationContext, Timer } from '@azure/functions';
import type { DeliveryStore } from '../domain/webhooks/delivery';
import { log } from '../observability/logger';
import { withLogScope } from '../observability/logScope';

/** Deletes (or moves to the current key layout) per run at most this many deliveries; the rest go on the next run. */
export const deliveryPurgeBatchLimit = 5_000;

/** Timer function: removes webhook deliveries created longer ago than the retention (Tables have no TTL). */
export function purgeDeliveriesTimerHandler(
    tenantId: string,
    store: DeliveryStore,
    retentionMs: number,
    now: () => Date = () => new Date(),
) {
    return function purgeDeliveries(_timer: Timer, context: InvocationContext): Promise<void> {
        return withLogScope(context, {}, async () => {
            const before = new Date(now().getTime() - retentionMs).toISOString();
            const { deleted, migrated } = await store.purgeCreatedBefore(tenantId, before, deliveryPurgeBatchLimit);
            log.info(`delivery purge: ${deleted} created before ${before} deleted, ${migrated} moved to current keys`);
        });
    };
}
