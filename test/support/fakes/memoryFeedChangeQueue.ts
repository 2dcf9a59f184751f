import type { FeedChangeMessage, FeedChangeQueue } from '../../../src/domain/feed/changeMessage';

/** The `graph-changes` queue at its port: what the feed's intake (or the Bookings poll) enqueued, in order. */
export class MemoryFeedChangeQueue implements FeedChangeQueue {
    readonly messages: FeedChangeMessage[] = [];

    enqueue(message: FeedChangeMessage): Promise<void> {
        this.messages.push(structuredClone(message));
        return Promise.resolve();
    }
}
