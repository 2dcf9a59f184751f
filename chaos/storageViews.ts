import { QueueClient } from '@azure/storage-queue';
import { deliveryQueueNames } from '../src/adapters/queues/deliveryQueue';
import { notificationsQueueName } from '../src/adapters/queues/notificationQueue';
import type { PoisonMessage } from './checks';

export const workQueues = [notificationsQueueName, deliveryQueueNames.first, deliveryQueueNames.retry] as const;
export const poisonQueues = workQueues.map((name) => `${name}-poison`);
/** Most messages one peek returns (the Storage limit). */
const peekLimit = 32;

/** Messages on a queue, visible or not (Storage's approximate count). */
async function messageCount(connectionString: string, queue: string): Promise<number> {
    const client = new QueueClient(connectionString, queue);
    if (!(await client.exists())) return 0;
    return (await client.getProperties()).approximateMessagesCount ?? 0;
}

/** True when no work queue holds a message (including ones hidden while a killed host held them). */
export async function workQueuesEmpty(connectionString: string): Promise<boolean> {
    for (const queue of workQueues) if ((await messageCount(connectionString, queue)) > 0) return false;
    return true;
}

/** The poison queues' messages, decoded (base64 JSON, as the host writes them): the first 32 of each, and the count. */
export async function poisonMessages(connectionString: string): Promise<{ messages: PoisonMessage[]; total: number }> {
    const messages: PoisonMessage[] = [];
    let total = 0;
    for (const queue of poisonQueues) {
        const count = await messageCount(connectionString, queue);
        total += count;
        if (count === 0) continue;
        const { peekedMessageItems } = await new QueueClient(connectionString, queue).peekMessages({
            numberOfMessages: peekLimit,
        });
        for (const item of peekedMessageItems) {
            let body: unknown = item.messageText;
            try {
                body = JSON.parse(Buffer.from(item.messageText, 'base64').toString('utf8'));
            } catch {
                // Not base64 JSON: reported as it is.
            }
            messages.push({ queue, body });
        }
    }
    return { messages, total };
}
