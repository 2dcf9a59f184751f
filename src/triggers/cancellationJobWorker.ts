import type { InvocationContext } from '@azure/functions';
import * as z from 'zod';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { type RunJobDeps, runJobSlice } from '../domain/bulk/runJob';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { parseOrPark, queueMessageId } from './queueMessages';

export const jobMessageSchema = z.object({
    tenantId: z.string().min(1).max(100),
    jobId: z.string().min(1).max(100),
    redrives: z.number().int().min(0).max(100).optional(),
});

/**
 * Queue function on `cancellation-jobs`: one slice of one job (plan it, then work its meetings one at a time); the
 * slice sends the job's message again to go on, delayed while the mailbox's sending budget is spent.
 */
export function cancellationJobWorkerHandler(deps: RunJobDeps, poison: JsonQueue) {
    return function cancellationJobWorker(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const job = await parseOrPark(message, jobMessageSchema, poison, context);
            if (!job) return;
            annotateLogScope({ cancellationJobId: job.jobId });
            const result = await runJobSlice(deps, job);
            log.info(`cancellation job ${job.jobId}: ${result}`);
        });
    };
}
