import type { BulkJobStore } from '../bulk/job';
import { writesInFlightPerJob } from '../bulk/runJob';
import { graphItemsInFlightPerMailbox } from './graphLookups';

/**
 * Requests reconciliation may have in flight on a mailbox with an unfinished bulk job: Outlook's 4 less the job's
 * write (issue 17: bench:bulk saw a job's cancel overlap a batch running 4 items, 5 in flight).
 */
export const maxPerMailboxBesideBulkJob = graphItemsInFlightPerMailbox - writesInFlightPerJob;

/**
 * The lookup limits for the mailboxes of the tenant's unfinished jobs (planning, running or paused: a paused job
 * goes on by itself), keyed as `lookupMany` keys mailboxes. Records name a user mailbox `user:<object id>`
 * (CancelEventCommand.mailbox, a bulk job's cancels included), jobs by the same object id (`userId`), never by UPN.
 */
export async function bulkJobMailboxLimits(
    tenantId: string,
    jobs: Pick<BulkJobStore, 'listUnfinishedJobs'>,
): Promise<ReadonlyMap<string, number>> {
    const unfinished = await jobs.listUnfinishedJobs(tenantId);
    return new Map(unfinished.map((job) => [`user:${job.userId}`.toLowerCase(), maxPerMailboxBesideBulkJob]));
}
