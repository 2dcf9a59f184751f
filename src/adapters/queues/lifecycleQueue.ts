import { type LifecycleMessage, type LifecycleQueue, lifecycleMessageSchema } from '../../domain/feed/lifecycleMessage';
import type { JsonQueue } from './jsonQueue';

/** {@link LifecycleQueue} on the `graph-lifecycle` storage queue. */
export class StorageLifecycleQueue implements LifecycleQueue {
    constructor(private readonly queue: JsonQueue) {}

    enqueue(message: LifecycleMessage): Promise<void> {
        return this.queue.send(lifecycleMessageSchema.parse(message));
    }
}
