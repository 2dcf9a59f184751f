import type { DeliveryJob, DeliveryLane, DeliveryQueue } from '../../domain/webhooks/delivery';
import { type JsonQueue } from './jsonQueue';

/** The first-attempt lane's queue (first attempts to subscriptions in good standing). */
export const deliveriesQueueName = 'webhook-deliveries';
/** The retry lane's queue: retries, replays, and deliveries to failing subscriptions. */
export const deliveryRetriesQueueName = 'webhook-deliveries-retry';

/** Each lane's Storage queue, by lane. */
export const deliveryQueueNames: Readonly<Record<DeliveryLane, string>> = {
    first: deliveriesQueueName,
    retry: deliveryRetriesQueueName,
};

/** {@link DeliveryQueue} on one Storage queue per lane; a delay becomes the message's visibility timeout. */
export class StorageDeliveryQueue implements DeliveryQueue {
    constructor(private readonly lanes: Readonly<Record<DeliveryLane, JsonQueue>>) {}

    enqueue(job: DeliveryJob, delayMs: number, lane: DeliveryLane): Promise<void> {
        return this.lanes[lane].send(job, Math.ceil(delayMs / 1000));
    }
}
