import type { TableClient, TableEntity } from '@azure/data-tables';
import type { BulkJob, BulkJobStore, JobCounts, JobItem, JobItemPage, JobItemsQuery } from '../../domain/bulk/job';
import { countItems } from '../../domain/bulk/job';
import type { PacingLedger, PacingStore } from '../../domain/bulk/pacing';
import { ConcurrencyConflict, type Stored } from '../../domain/shared/stored';
import { decodeToken, encodeToken, type Entity, etagOfEntity, high, readRange } from './keyRange';
import { EnsuredTable, getEntityOrNull, statusOf } from './tableClients';
import { canonicalInstant, escapeKeyPart, hashKeyPart, odataString } from './tableKeys';

export const cancellationJobsTable = 'cancellationjobs';

/** At most this many jobs are listed (newest first): a tenant offboards a few people a week. */
const maxListedJobs = 1000;
/** Items per batch insert (Table transactions take at most 100 operations of one partition). */
const insertBatch = 100;

/**
 * {@link BulkJobStore} and {@link PacingStore} on Azure Table Storage (table `cancellationjobs`):
 *
 * - a job: PartitionKey `t_<tenant>`, RowKey `job_<id>`, its fields as one JSON `job` column plus `state` and
 *   `eventsOwed` (true while its outbox holds notifications);
 * - its items: PartitionKey `t_<tenant>_j_<job id>`, RowKey `i_<start>_<hash of event id>` (start order, and one row
 *   per meeting however often it is planned), the item as JSON plus `outcome` and `action` to filter on;
 * - a mailbox's pacing ledger: PartitionKey `t_<tenant>`, RowKey `pace_<user id>`.
 *
 * Every change is a Replace conditional on the ETag; a lost race is a {@link ConcurrencyConflict}.
 */
export class TableBulkJobStore implements BulkJobStore, PacingStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async createJob(job: BulkJob): Promise<Stored<BulkJob>> {
        const client = await this.table.get();
        const entity = jobEntity(job);
        const response = await client.createEntity(entity);
        return { value: job, etag: requireEtag(response.etag) };
    }

    async getJob(tenantId: string, jobId: string): Promise<Stored<BulkJob> | null> {
        const client = await this.table.get();
        const entity = await getEntityOrNull(client, tenantPartition(tenantId), jobRow(jobId));
        return entity ? { value: parseJson<BulkJob>(entity, 'job'), etag: etagOfEntity(entity) } : null;
    }

    async updateJob(job: BulkJob, etag: string): Promise<Stored<BulkJob>> {
        const client = await this.table.get();
        try {
            const response = await client.updateEntity(jobEntity(job), 'Replace', { etag });
            return { value: job, etag: requireEtag(response.etag) };
        } catch (error) {
            throw conflictOr(error, 'cancellationJob', job.id);
        }
    }

    async listJobs(tenantId: string, max: number): Promise<readonly BulkJob[]> {
        const client = await this.table.get();
        const filter =
            `PartitionKey eq ${odataString(tenantPartition(tenantId))}` +
            ` and RowKey ge 'job_' and RowKey le ${odataString(`job_${high}`)}`;
        const rows = await readRange(client, filter, maxListedJobs);
        return rows
            .map((row) => parseJson<BulkJob>(row, 'job'))
            .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
            .slice(0, max);
    }

    async listUnfinishedJobs(tenantId: string): Promise<readonly BulkJob[]> {
        const client = await this.table.get();
        const filter =
            `PartitionKey eq ${odataString(tenantPartition(tenantId))}` +
            ` and RowKey ge 'job_' and RowKey le ${odataString(`job_${high}`)}` +
            ` and (state eq 'planning' or state eq 'running' or state eq 'paused')`;
        const rows = await readRange(client, filter, maxListedJobs);
        return rows.map((row) => parseJson<BulkJob>(row, 'job'));
    }

    async listJobsOwingEvents(tenantId: string): Promise<readonly Stored<BulkJob>[]> {
        const client = await this.table.get();
        const filter = `PartitionKey eq ${odataString(tenantPartition(tenantId))} and eventsOwed eq true`;
        const rows = await readRange(client, filter, maxListedJobs);
        return rows.map((row) => ({ value: parseJson<BulkJob>(row, 'job'), etag: etagOfEntity(row) }));
    }

    async addItems(items: readonly JobItem[]): Promise<void> {
        const client = await this.table.get();
        for (let i = 0; i < items.length; i += insertBatch) {
            const batch = items.slice(i, i + insertBatch);
            // Insert-or-keep: an item already stored (a plan repeated after a crash) keeps its outcome.
            await Promise.all(
                batch.map(async (item) => {
                    try {
                        await client.createEntity(itemEntity(item));
                    } catch (error) {
                        if (statusOf(error) !== 409) throw error;
                    }
                }),
            );
        }
    }

    async nextOpenItem(tenantId: string, jobId: string): Promise<Stored<JobItem> | null> {
        const client = await this.table.get();
        const filter =
            `PartitionKey eq ${odataString(itemPartition(tenantId, jobId))}` +
            ` and (outcome eq 'pending' or outcome eq 'inFlight')`;
        const [row] = await readRange(client, filter, 1);
        return row ? storedItem(row) : null;
    }

    async updateItem(item: JobItem, etag: string): Promise<Stored<JobItem>> {
        const client = await this.table.get();
        try {
            const response = await client.updateEntity(itemEntity(item), 'Replace', { etag });
            return { value: item, etag: requireEtag(response.etag) };
        } catch (error) {
            throw conflictOr(error, 'cancellationJobItem', `${item.jobId}/${item.eventId}`);
        }
    }

    async listItems(query: JobItemsQuery): Promise<JobItemPage> {
        const client = await this.table.get();
        const after = query.continuationToken === undefined ? undefined : decodeToken(query.continuationToken, 'i_');
        const filter =
            `PartitionKey eq ${odataString(itemPartition(query.tenantId, query.jobId))}` +
            (after === undefined ? ` and RowKey ge 'i_'` : ` and RowKey gt ${odataString(after)}`) +
            ` and RowKey le ${odataString(`i_${high}`)}` +
            (query.outcome === undefined ? '' : ` and outcome eq ${odataString(query.outcome)}`);
        const rows = await readRange(client, filter, query.pageSize + 1);
        const page = rows.slice(0, query.pageSize);
        const last = page[page.length - 1];
        return {
            items: page.map((row) => parseJson<JobItem>(row, 'item')),
            continuationToken:
                rows.length > query.pageSize && last?.rowKey !== undefined ? encodeToken(last.rowKey) : undefined,
        };
    }

    async countItems(tenantId: string, jobId: string): Promise<JobCounts> {
        const client = await this.table.get();
        const items: Pick<JobItem, 'action' | 'outcome'>[] = [];
        const rows = client.listEntities<Record<string, unknown>>({
            queryOptions: {
                filter: `PartitionKey eq ${odataString(itemPartition(tenantId, jobId))}`,
                select: ['action', 'outcome'],
            },
        });
        for await (const row of rows) {
            items.push({ action: row.action as JobItem['action'], outcome: row.outcome as JobItem['outcome'] });
        }
        return countItems(items);
    }

    async getLedger(tenantId: string, userId: string): Promise<Stored<PacingLedger> | null> {
        const client = await this.table.get();
        const entity = await getEntityOrNull(client, tenantPartition(tenantId), paceRow(userId));
        return entity ? { value: parseJson<PacingLedger>(entity, 'ledger'), etag: etagOfEntity(entity) } : null;
    }

    async saveLedger(tenantId: string, userId: string, ledger: PacingLedger, etag: string | undefined) {
        const client = await this.table.get();
        const entity = {
            partitionKey: tenantPartition(tenantId),
            rowKey: paceRow(userId),
            ledger: JSON.stringify(ledger),
        };
        try {
            if (etag === undefined) await client.createEntity(entity);
            else await client.updateEntity(entity, 'Replace', { etag });
        } catch (error) {
            throw conflictOr(error, 'pacingLedger', userId, [409, 412, 404]);
        }
    }
}

function tenantPartition(tenantId: string): string {
    return `t_${escapeKeyPart(tenantId)}`;
}

function itemPartition(tenantId: string, jobId: string): string {
    return `t_${escapeKeyPart(tenantId)}_j_${escapeKeyPart(jobId)}`;
}

function jobRow(jobId: string): string {
    return `job_${escapeKeyPart(jobId)}`;
}

function paceRow(userId: string): string {
    return `pace_${escapeKeyPart(userId)}`;
}

function itemRow(item: JobItem): string {
    return `i_${canonicalInstant(item.start)}_${hashKeyPart(item.eventId)}`.replace(/:/g, '-');
}

function jobEntity(job: BulkJob): TableEntity<Record<string, unknown>> {
    return {
        partitionKey: tenantPartition(job.tenantId),
        rowKey: jobRow(job.id),
        state: job.state,
        // A column to filter on: reconciliation's timer looks for jobs whose notifications are still owed.
        eventsOwed: (job.eventsOwed?.length ?? 0) > 0,
        job: JSON.stringify(job),
    };
}

function itemEntity(item: JobItem): TableEntity<Record<string, unknown>> {
    return {
        partitionKey: itemPartition(item.tenantId, item.jobId),
        rowKey: itemRow(item),
        action: item.action,
        outcome: item.outcome,
        item: JSON.stringify(item),
    };
}

function storedItem(row: Entity): Stored<JobItem> {
    return { value: parseJson<JobItem>(row, 'item'), etag: etagOfEntity(row) };
}

function parseJson<T>(entity: Readonly<Record<string, unknown>>, column: string): T {
    const text = entity[column];
    if (typeof text !== 'string') throw new Error(`cancellationjobs entity: ${column} is missing`);
    return JSON.parse(text) as T;
}

function conflictOr(error: unknown, kind: string, id: string, statuses: readonly number[] = [412, 404]): unknown {
    const status = statusOf(error);
    return status !== undefined && statuses.includes(status) ? new ConcurrencyConflict(kind, id) : error;
}

function requireEtag(etag: string | undefined): string {
    if (!etag) throw new Error('storage returned no ETag');
    return etag;
}
