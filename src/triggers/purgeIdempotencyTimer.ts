import type { InvocationContext, Timer } from '@azure/functions';
import type { IdempotencyStore } from '../domain/idempotency/store';
import { log } from '../observability/logger';
import { withLogScope } from '../observability/logScope';

/** Deletes per run at most this many expired keys; the rest go on the next run (keeps a run well within its timeout). */
export const purgeBatchLimit = 5_000;

/** Timer function: removes `Idempotency-Key` entries past their retention (Tables have no TTL). */
export function purgeIdempotencyTimerHandler(store: IdempotencyStore) {
    return function purgeIdempotencyKeys(_timer: Timer, context: InvocationContext): Promise<void> {
        return withLogScope(context, {}, async () => {
            const deleted = await store.purgeExpired(new Date(), purgeBatchLimit);
            log.info(`idempotency purge: ${deleted} expired keys deleted`);
        });
    };
}
