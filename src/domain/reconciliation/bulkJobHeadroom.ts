import type { BulkJobStore } from '../bulk/job';
import { writesInFlightPerJob } from '../bulk/runJob';
import { graphItemsInFlightPerMailbox } from './graphLookups';

/**
 * Requests reconciliation may have in flight on a mailbox with `jobs` unfinished bulk jobs: Outlook's 4 less each
 * job's write (issue 17: bench:bulk saw a job's cancel overlap a batch running 4 items, 5 in flight), never below 1.
 */
export function maxPerMailboxBesideBulkJobs(jobs: number): number {
    return Math.max(1, graphItemsInFlightPerMailbox - jobs * writesInFlightPerJob);
}

/**
 * The lookup limits for the mailboxes of the tenant's unfinished jobs (planning, running or paused: a paused job
 * goes on by itself), keyed as `lookupMany` keys mailboxes (two jobs on one mailbox each have their write in
 * flight). Records name a user mailbox `user:<object id>` (CancelEventCommand.mailbox, a bulk job's cancels
 * included), jobs by the same object id (`userId`), never by UPN.
 */
export async function bulkJobMailboxLimits(
    tenantId: string,
    jobs: Pick<BulkJobStore, 'listUnfinishedJobs'>,
): Promise<ReadonlyMap<string, number>> {
    const jobsPerMailbox = new Map<string, number>();
    for (const job of await jobs.listUnfinishedJobs(tenantId)) {
        const mailbox = `user:${job.userId}`.toLowerCase();
        jobsPerMailbox.set(mailbox, (jobsPerMailbox.get(mailbox) ?? 0) + 1);
    }
    return new Map([...jobsPerMailbox].map(([mailbox, count]) => [mailbox, maxPerMailboxBesideBulkJobs(count)]));
}
