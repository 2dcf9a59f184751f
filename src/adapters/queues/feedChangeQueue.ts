import { type FeedChangeMessage, type FeedChangeQueue, feedChangeMessageSchema } from '../../domain/feed/changeMessage';
import type { JsonQueue } from './jsonQueue';

/** {@link FeedChangeQueue} on the `graph-changes` storage queue; a message is checked against its schema first. */
export class StorageFeedChangeQueue implements FeedChangeQueue {
    constructor(private readonly queue: JsonQueue) {}

    enqueue(message: FeedChangeMessage): Promise<void> {
        return this.queue.send(feedChangeMessageSchema.parse(message));
    }
}
