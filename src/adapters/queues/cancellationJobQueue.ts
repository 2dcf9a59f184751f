import type { JobMessage, JobQueue } from '../../domain/bulk/job';
import type { JsonQueue } from './jsonQueue';

export const cancellationJobsQueueName = 'cancellation-jobs';

const maxVisibilityMs = 7 * 24 * 3_600_000;

/** {@link JobQueue} on the `cancellation-jobs` storage queue: a delay is the message's visibility timeout (≤ 7 days). */
export class StorageJobQueue implements JobQueue {
    constructor(private readonly queue: JsonQueue) {}

    send(message: JobMessage, delayMs: number): Promise<void> {
        const seconds = Math.ceil(Math.min(Math.max(delayMs, 0), maxVisibilityMs) / 1000);
        // JSON leaves `redrives` out when it is undefined.
        const { tenantId, jobId, redrives } = message;
        return this.queue.send({ tenantId, jobId, redrives }, seconds);
    }
}
