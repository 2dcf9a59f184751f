import { createHash } from 'node:crypto';
import type { CancellationStore } from '../cancellation/store';
import type { NotificationMessage } from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import { type Delivery, type DeliveryQueue, type DeliveryStore, firstAttemptLane } from './delivery';
import { webhookPayload } from './payload';
import { type SubscriptionStore, wantsOrigin } from './subscription';
import { subscriptionReceives } from './subscriptionAccess';

export interface FanOutDeps {
    readonly cancellations: CancellationStore;
    readonly subscriptions: SubscriptionStore;
    readonly deliveries: DeliveryStore;
    readonly queue: DeliveryQueue;
    readonly clock: Clock;
    readonly log: (message: string) => void;
}

/** `webhook-id`: the same for a (notification, subscription) pair however often it is fanned out or retried. */
export function deliveryId(messageId: string, subscriptionId: string): string {
    return `msg_${createHash('sha256').update(`${messageId}|${subscriptionId}`).digest('base64url').slice(0, 27)}`;
}

/**
 * One notification becomes one delivery per matching subscription, each on its own queue message, so a slow or
 * failing endpoint never delays or repeats the others; a subscription whose endpoint is failing gets its first
 * attempt on the retry lane, where its timeouts hold no slot that healthy endpoints' deliveries need. A subscription
 * matches when it wants the event type and receives the record (tenant-wide, or its owner made the record:
 * `subscriptionReceives`), and its `origins` filter lets the record's origin through. Safe to run twice for one message.
 */
export async function fanOut(message: NotificationMessage, deps: FanOutDeps): Promise<number> {
    // Subscriptions first: with none to notify, the record need not be read.
    const subscriptions = await deps.subscriptions.listMatching(message.tenantId, message.type);
    if (subscriptions.length === 0) return 0;
    const stored = await deps.cancellations.get(message.tenantId, message.cancellationId);
    if (!stored) {
        deps.log(
            `notification ${message.messageId}: cancellation ${message.cancellationId} not found; nothing to send`,
        );
        return 0;
    }
    const now = deps.clock.now().toISOString();
    const record = stored.value;
    const receiving = subscriptions.filter(
        (subscription) => subscriptionReceives(subscription, record) && wantsOrigin(subscription, record),
    );
    // All at once: a subscription listed after others does not wait for their writes and enqueues.
    const outcomes = await Promise.allSettled(
        receiving.map(async (subscription): Promise<boolean> => {
            const delivery: Delivery = {
                id: deliveryId(message.messageId, subscription.id),
                tenantId: message.tenantId,
                subscriptionId: subscription.id,
                messageId: message.messageId,
                cancellationId: message.cancellationId,
                eventType: message.type,
                state: 'pending',
                body: JSON.stringify(webhookPayload(message, record, subscription)),
                attempts: 0,
                createdAt: now,
                updatedAt: now,
                nextAttemptAt: now,
            };
            const existing = await deps.deliveries.createIfAbsent(delivery);
            // A repeat of the fan-out: a delivery already under way or done keeps its own course.
            if (existing.value.attempts > 0 || existing.value.state !== 'pending') return false;
            await deps.queue.enqueue(
                { schemaVersion: 1, tenantId: message.tenantId, deliveryId: delivery.id, attempt: 1 },
                0,
                firstAttemptLane(subscription),
            );
            return true;
        }),
    );
    // Any failure fails the message, so the queue runs the fan-out again; what did succeed is not repeated.
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
}
