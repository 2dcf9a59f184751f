import type { Clock } from '../ports/clock';
import type { Delivery, DeliveryQueue, DeliveryStore } from './delivery';
import type { Stored } from '../shared/stored';

export interface ReplayDeps {
    readonly deliveries: DeliveryStore;
    readonly queue: DeliveryQueue;
    readonly clock: Clock;
}

/** Most failed deliveries one recover request resends. */
export const maxRecoverCount = 1_000;

/** Sends a delivery again from its first attempt, with the same `webhook-id` and body, on the retry lane. */
export async function replayDelivery(stored: Stored<Delivery>, deps: ReplayDeps): Promise<Delivery> {
    const now = deps.clock.now().toISOString();
    const reset: Delivery = { ...stored.value, state: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now };
    const saved = await deps.deliveries.update(reset, stored.etag);
    // The retry lane: a replayed delivery failed before, and a recover can send a thousand of them at an endpoint
    // that may still hang; first attempts of healthy endpoints must not wait behind them.
    await deps.queue.enqueue(
        { schemaVersion: 1, tenantId: reset.tenantId, deliveryId: reset.id, attempt: 1 },
        0,
        'retry',
    );
    return saved.value;
}

/** Resends every failed delivery of a subscription created since `since` (Svix's "recover"). */
export async function recoverSubscription(
    tenantId: string,
    subscriptionId: string,
    since: string,
    deps: ReplayDeps,
): Promise<number> {
    const failed = await deps.deliveries.list({
        tenantId,
        subscriptionId,
        state: 'failed',
        since,
        limit: maxRecoverCount,
    });
    let replayed = 0;
    for (const delivery of failed) {
        const stored = await deps.deliveries.get(tenantId, delivery.id);
        if (stored?.value.state !== 'failed') continue;
        await replayDelivery(stored, deps);
        replayed++;
    }
    return replayed;
}
