import {
    type BulkJob,
    type BulkJobStore,
    countItems,
    isFinal,
    type JobCounts,
    type JobItem,
    type JobItemPage,
    type JobItemsQuery,
} from '../../../src/domain/bulk/job';
import type { PacingLedger, PacingStore } from '../../../src/domain/bulk/pacing';
import { ConcurrencyConflict, type Stored } from '../../../src/domain/shared/stored';

/** Jobs, items and pacing ledgers in memory, with ETags as the Table store keeps them. */
export class MemoryBulkJobStore implements BulkJobStore, PacingStore {
    readonly jobs = new Map<string, Stored<BulkJob>>();
    readonly items = new Map<string, Stored<JobItem>>();
    readonly ledgers = new Map<string, Stored<PacingLedger>>();
    private version = 0;

    private etag(): string {
        return `W/"${++this.version}"`;
    }

    createJob(job: BulkJob) {
        const stored = { value: structuredClone(job), etag: this.etag() };
        this.jobs.set(`${job.tenantId}/${job.id}`, stored);
        return Promise.resolve(stored);
    }

    getJob(tenantId: string, jobId: string) {
        return Promise.resolve(this.jobs.get(`${tenantId}/${jobId}`) ?? null);
    }

    updateJob(job: BulkJob, etag: string) {
        const key = `${job.tenantId}/${job.id}`;
        if (this.jobs.get(key)?.etag !== etag)
            return Promise.reject(new ConcurrencyConflict('cancellationJob', job.id));
        const stored = { value: structuredClone(job), etag: this.etag() };
        this.jobs.set(key, stored);
        return Promise.resolve(stored);
    }

    listJobs(tenantId: string, max: number) {
        return Promise.resolve(
            [...this.jobs.values()]
                .map((stored) => stored.value)
                .filter((job) => job.tenantId === tenantId)
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                .slice(0, max),
        );
    }

    listUnfinishedJobs(tenantId: string) {
        return Promise.resolve(
            [...this.jobs.values()]
                .map((stored) => structuredClone(stored.value))
                .filter((job) => job.tenantId === tenantId && !isFinal(job.state)),
        );
    }

    listJobsOwingEvents(tenantId: string) {
        return Promise.resolve(
            [...this.jobs.values()].filter(
                (stored) => stored.value.tenantId === tenantId && (stored.value.eventsOwed?.length ?? 0) > 0,
            ),
        );
    }

    private itemKey(item: Pick<JobItem, 'tenantId' | 'jobId' | 'start' | 'eventId'>): string {
        return `${item.tenantId}/${item.jobId}/${item.start}/${item.eventId}`;
    }

    addItems(items: readonly JobItem[]) {
        for (const item of items) {
            const key = this.itemKey(item);
            if (!this.items.has(key)) this.items.set(key, { value: structuredClone(item), etag: this.etag() });
        }
        return Promise.resolve();
    }

    private jobItems(tenantId: string, jobId: string): Stored<JobItem>[] {
        return [...this.items.entries()]
            .filter(([key]) => key.startsWith(`${tenantId}/${jobId}/`))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([, stored]) => stored);
    }

    nextOpenItem(tenantId: string, jobId: string) {
        const open = this.jobItems(tenantId, jobId).find(
            (stored) => stored.value.outcome === 'pending' || stored.value.outcome === 'inFlight',
        );
        return Promise.resolve(open ?? null);
    }

    updateItem(item: JobItem, etag: string) {
        const key = this.itemKey(item);
        if (this.items.get(key)?.etag !== etag) {
            return Promise.reject(new ConcurrencyConflict('cancellationJobItem', item.eventId));
        }
        const stored = { value: structuredClone(item), etag: this.etag() };
        this.items.set(key, stored);
        return Promise.resolve(stored);
    }

    listItems(query: JobItemsQuery): Promise<JobItemPage> {
        const all = this.jobItems(query.tenantId, query.jobId)
            .map((stored) => stored.value)
            .filter((item) => query.outcome === undefined || item.outcome === query.outcome);
        const offset = query.continuationToken === undefined ? 0 : Number(query.continuationToken);
        const items = all.slice(offset, offset + query.pageSize);
        const next = offset + query.pageSize;
        return Promise.resolve({ items, continuationToken: next < all.length ? String(next) : undefined });
    }

    countItems(tenantId: string, jobId: string): Promise<JobCounts> {
        return Promise.resolve(countItems(this.jobItems(tenantId, jobId).map((stored) => stored.value)));
    }

    getLedger(tenantId: string, userId: string) {
        return Promise.resolve(this.ledgers.get(`${tenantId}/${userId}`) ?? null);
    }

    saveLedger(tenantId: string, userId: string, ledger: PacingLedger, etag: string | undefined) {
        const key = `${tenantId}/${userId}`;
        if (this.ledgers.get(key)?.etag !== etag) {
            return Promise.reject(new ConcurrencyConflict('pacingLedger', userId));
        }
        this.ledgers.set(key, { value: structuredClone(ledger), etag: this.etag() });
        return Promise.resolve();
    }
}
