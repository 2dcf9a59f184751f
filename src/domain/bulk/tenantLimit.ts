import type { BulkJob, BulkJobStore } from './job';

/**
 * The tenant-wide brake on bulk jobs: at most `maxRunningJobs` of a tenant's jobs make Graph writes at once, so an
 * offboarding wave keeps the tenant's table partitions under their target (docs/scale.md §6). Decided from the jobs
 * table alone, so every host instance agrees without a lock: the slots belong to the oldest unfinished jobs.
 */
export interface TenantLimit {
    readonly maxRunningJobs: number;
    /**
     * How long the first job held back waits before it looks again (its message's visibility delay); one further
     * back waits this much more per job ahead of it, up to {@link maxRecheckFactor} times, so a long line does not
     * read the tenant's jobs partition every few seconds (docs/scale.md §6).
     */
    readonly recheckMs: number;
}

/** The longest recheck delay, in `recheckMs`: a slot that frees idles at most this long for a job far back. */
export const maxRecheckFactor = 10;

/**
 * Whether `job` holds one of its tenant's slots: it is among the oldest `maxRunningJobs` unfinished jobs, oldest
 * first by creation (ties by id). A job `paused` on its mailbox's daily budget makes no writes and holds no slot;
 * when it wakes it ranks by age again, and a younger job it displaces yields at its next slice.
 * Returns `undefined` when it holds one, else how long to wait before looking again.
 */
export async function tenantSlotWaitMs(
    store: BulkJobStore,
    limit: TenantLimit,
    job: BulkJob,
): Promise<number | undefined> {
    const unfinished = await store.listUnfinishedJobs(job.tenantId);
    const competing = unfinished.filter((other) => other.id !== job.id && other.state !== 'paused');
    const older = competing.filter((other) => isOlder(other, job)).length;
    if (older < limit.maxRunningJobs) return undefined;
    const waitingAhead = older - limit.maxRunningJobs;
    return limit.recheckMs * Math.min(1 + waitingAhead, maxRecheckFactor);
}

function isOlder(a: BulkJob, b: BulkJob): boolean {
    const byCreation = a.createdAt.localeCompare(b.createdAt);
    return byCreation < 0 || (byCreation === 0 && a.id < b.id);
}
