import type { BulkJob, BulkJobStore } from './job';

/**
 * The tenant-wide brake on bulk jobs: at most `maxRunningJobs` of a tenant's jobs make Graph writes at once, so an
 * offboarding wave keeps the tenant's table partitions under their target (docs/scale.md §6). Decided from the jobs
 * table alone, so every host instance agrees without a lock: the slots belong to the oldest unfinished jobs.
 */
export interface TenantLimit {
    readonly maxRunningJobs: number;
    /** How long a job held back waits before it looks again (its message's visibility delay). */
    readonly recheckMs: number;
}

/**
 * Whether `job` holds one of its tenant's slots: it is among the oldest `maxRunningJobs` unfinished jobs, oldest
 * first by creation (ties by id). A job `paused` on its mailbox's daily budget makes no writes and holds no slot;
 * when it wakes it ranks by age again, and a younger job it displaces yields at its next slice.
 */
export async function holdsTenantSlot(store: BulkJobStore, limit: TenantLimit, job: BulkJob): Promise<boolean> {
    const unfinished = await store.listUnfinishedJobs(job.tenantId);
    const competing = unfinished.filter((other) => other.id !== job.id && other.state !== 'paused');
    const older = competing.filter((other) => isOlder(other, job)).length;
    return older < limit.maxRunningJobs;
}

function isOlder(a: BulkJob, b: BulkJob): boolean {
    const byCreation = a.createdAt.localeCompare(b.createdAt);
    return byCreation < 0 || (byCreation === 0 && a.id < b.id);
}
