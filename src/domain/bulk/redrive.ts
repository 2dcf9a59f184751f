import { isFinal, type JobMessage } from './job';
import { owing } from './jobEvents';
import { type RunJobDeps, saveJob, sendOwed } from './runJob';

/**
 * Waits before a poisoned job's message is sent again, by the number of poisonings in a row: a Storage outage that
 * made every try of a slice fail is waited out for about 80 minutes in all before the job is given up.
 */
export const jobRedriveDelaysMs: readonly number[] = [60_000, 300_000, 900_000, 3_600_000];

export type JobRedriveOutcome = 'gone' | 'redriven' | 'failed';

/**
 * A job message the host moved to `cancellation-jobs-poison` after every try failed. Nothing else would move the job
 * on (each slice sends the next message itself), so it is sent again after the next delay of the schedule; once the
 * schedule is used up the job ends `failed`, saying why, and announces it. Sending again is safe: every meeting is
 * claimed with its ETag before its Graph write, so a second worker never writes one twice.
 */
export async function redrivePoisonedJob(
    deps: Pick<RunJobDeps, 'store' | 'queue' | 'notifications' | 'clock' | 'log'>,
    message: JobMessage,
    delaysMs: readonly number[] = jobRedriveDelaysMs,
): Promise<JobRedriveOutcome> {
    const stored = await deps.store.getJob(message.tenantId, message.jobId);
    if (!stored || isFinal(stored.value.state)) return 'gone';
    const redrives = message.redrives ?? 0;
    const delayMs = delaysMs[redrives];
    if (delayMs !== undefined) {
        await deps.queue.send({ tenantId: message.tenantId, jobId: message.jobId, redrives: redrives + 1 }, delayMs);
        return 'redriven';
    }
    const finishedAt = deps.clock.now().toISOString();
    const failed = await saveJob(deps, stored, (current) =>
        owing(
            {
                ...current,
                state: 'failed',
                finishedAt,
                resumeAt: undefined,
                pausedReason: undefined,
                error: {
                    status: 500,
                    code: 'workerFailed',
                    message: `The job's worker failed on every try, ${redrives + 1} times in a row; the meetings not yet written were left as they are.`,
                },
            },
            { type: 'cancellationJob.completed', occurredAt: finishedAt },
        ),
    );
    await sendOwed(deps, failed);
    return failed && failed.value.state === 'failed' ? 'failed' : 'gone';
}
