import type { DeliveryJob, DeliveryQueue } from '../../domain/webhooks/delivery';
import { JsonQueue } from './jsonQueue';

export const deliveriesQueueName = 'webhook-deliveries';

/** {@link DeliveryQueue} on the `webhook-deliveries` Storage queue; a delay becomes the message's visibility timeout. */
export class StorageDeliveryQueue implements DeliveryQueue {
    constructor(private readonly queue: JsonQueue) {}

    static fromConnectionString(connectionString: string): StorageDeliveryQueue {
        return new StorageDeliveryQueue(JsonQueue.fromConnectionString(connectionString, deliveriesQueueName));
    }

    enqueue(job: DeliveryJob, delayMs: number): Promise<void> {
        return this.queue.send(job, Math.ceil(delayMs / 1000));
    }
}
