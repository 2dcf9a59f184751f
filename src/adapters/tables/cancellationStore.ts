import type { TableClient, TableEntity, TableTransactionResponse, TransactionAction } from '@azure/data-tables';
import { type CancellationRecord, originOf } from '../../domain/cancellation/record';
import {
    type CancellationPage,
    type CancellationStore,
    ItemClaimed,
    type ListCancellationsQuery,
    type RecordChange,
} from '../../domain/cancellation/store';
import {
    duePrefix,
    fromEntity,
    indexEntities,
    listPrefix,
    meetingIndexEntity,
    meetingRowKey,
    partitionKeyOf,
    recordRowKey,
    resourceIndexEntity,
    resourceRowKey,
    toEntity,
} from './cancellationEntity';
import { type Entity, etagOfEntity, high, readIndexPage, readRange } from './keyRange';
import { entitySize } from './entityText';
import { EnsuredTable, getEntityOrNull, statusOf } from './tableClients';
import { canonicalInstant, odataString } from './tableKeys';
import { ConcurrencyConflict, type Stored } from '../../domain/shared/stored';

/** A create for an id that is already recorded. */
export class CancellationAlreadyExists extends Error {
    constructor(readonly recordId: string) {
        super(`cancellation ${recordId} already exists`);
        this.name = 'CancellationAlreadyExists';
    }
}

/** Point reads issued at once when resolving index rows. */
const readConcurrency = 32;
/** Versions this store wrote and remembers (see {@link WrittenVersion}); a few seconds of traffic is plenty. */
const maxWrittenVersions = 1000;

/** One record's update: the record's entity and the actions that write it, the record's own first. */
interface UpdatePlan {
    readonly record: CancellationRecord;
    readonly etag: string;
    readonly entity: TableEntity<Record<string, unknown>>;
    readonly actions: readonly TransactionAction[];
}

/**
 * What `update` needs to know about the stored version it replaces, for a version this store itself wrote: which
 * index rows it has. An update from that ETag then needs no read first; the transaction's If-Match still decides,
 * so another writer's change in between is a 412 (ConcurrencyConflict) exactly as after a read.
 */
interface WrittenVersion {
    readonly etag: string;
    readonly indexRowKeys: readonly string[];
    readonly resourceKey: string;
    readonly createdAt: string;
}

/**
 * {@link CancellationStore} on Azure Table Storage. See `cancellationEntity.ts` for the key layout: a record and all
 * of its index rows live in the tenant's partition and change together in one entity-group transaction, so the due
 * set, the per-item pointer and the list indexes never disagree with the record.
 */
export class TableCancellationStore implements CancellationStore {
    private readonly table: EnsuredTable;
    /** By `tenantId` + record id, oldest first. */
    private readonly written = new Map<string, WrittenVersion>();

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async create(record: CancellationRecord, replaces?: string): Promise<Stored<CancellationRecord>> {
        const client = await this.table.get();
        const entity = toEntity(record);
        const pointer = resourceIndexEntity(record);
        const meeting = meetingIndexEntity(record);
        const actions: TransactionAction[] = [
            ['create', entity],
            ...indexEntities(record).map((row): TransactionAction => ['create', row]),
            await this.pointerAction(client, record, pointer, replaces),
            // The gateway's own cancel takes the meeting over (it is the one that cancels it); an outside one only
            // when no record holds the meeting yet, so a meeting is reported once.
            ...(meeting === undefined
                ? []
                : [
                      originOf(record) === 'gateway'
                          ? (['upsert', meeting, 'Replace'] as TransactionAction)
                          : (['create', meeting] as TransactionAction),
                  ]),
        ];
        try {
            const response = await client.submitTransaction(actions);
            return this.remember(record, {
                value: fromEntity(entity),
                etag: await this.etagOf(client, record, response.subResponses[0]?.etag),
            });
        } catch (error) {
            const status = statusOf(error);
            // 412/404: the pointer moved since it was read; 409: the id exists, or another record inserted the pointer.
            if (status === 412 || status === 404) throw new ItemClaimed(record.resource.resourceKey);
            if (status === 409) {
                const holder = await getEntityOrNull(client, entity.partitionKey, pointer.rowKey);
                if (holder !== null && holder.recordId !== record.id && holder.recordId !== replaces) {
                    throw new ItemClaimed(record.resource.resourceKey);
                }
                if (meeting !== undefined) {
                    const meetingHolder = await getEntityOrNull(client, entity.partitionKey, meeting.rowKey);
                    if (meetingHolder !== null && meetingHolder.recordId !== record.id) {
                        throw new ItemClaimed(record.resource.meetingKey ?? record.resource.resourceKey);
                    }
                }
                throw new CancellationAlreadyExists(record.id);
            }
            throw error;
        }
    }

    /**
     * Insert the item's pointer, or replace it only while it names `replaces` (If-Match on the pointer as read), so a
     * concurrent first cancel of the same item fails the whole transaction instead of overwriting the winner's pointer.
     */
    private async pointerAction(
        client: TableClient,
        record: CancellationRecord,
        pointer: ReturnType<typeof resourceIndexEntity>,
        replaces: string | undefined,
    ): Promise<TransactionAction> {
        if (replaces === undefined) return ['create', pointer];
        const current = await getEntityOrNull(client, pointer.partitionKey, pointer.rowKey);
        if (current === null) return ['create', pointer];
        if (current.recordId !== replaces) throw new ItemClaimed(record.resource.resourceKey);
        return ['update', pointer, 'Replace', { etag: etagOfEntity(current) }];
    }

    async update(record: CancellationRecord, etag: string): Promise<Stored<CancellationRecord>> {
        const client = await this.table.get();
        return this.submitOne(client, await this.planUpdate(client, record, etag));
    }

    private async submitOne(client: TableClient, plan: UpdatePlan): Promise<Stored<CancellationRecord>> {
        try {
            // Index rows unchanged (e.g. only a flag): a plain conditional update, cheaper than a one-action batch.
            const written =
                plan.actions.length === 1
                    ? await client.updateEntity(plan.entity, 'Replace', { etag: plan.etag })
                    : (await client.submitTransaction([...plan.actions])).subResponses[0];
            return await this.storedAfter(client, plan, written?.etag);
        } catch (error) {
            throw conflictOr(error, plan.record.id);
        }
    }

    /**
     * The records of one tenant go together in entity-group transactions (as many as fit in one); a transaction that
     * fails (one stale ETag refuses all of it) is written again record by record, so each record gets the answer its
     * own `update` would give.
     */
    async updateEach(changes: readonly RecordChange[]): Promise<PromiseSettledResult<Stored<CancellationRecord>>[]> {
        const client = await this.table.get();
        const planned = await Promise.allSettled(
            changes.map((change) => this.planUpdate(client, change.record, change.etag)),
        );
        const results = new Array<PromiseSettledResult<Stored<CancellationRecord>>>(changes.length);
        const plans: (UpdatePlan & { readonly index: number })[] = [];
        planned.forEach((plan, index) => {
            if (plan.status === 'fulfilled') plans.push({ ...plan.value, index });
            else results[index] = plan;
        });
        await Promise.all(
            transactionsOf(plans).map(async (group) => {
                const settled = await this.submitTogether(client, group);
                group.forEach((plan, at) => {
                    const result = settled[at];
                    if (result !== undefined) results[plan.index] = result;
                });
            }),
        );
        return results;
    }

    private async submitTogether(
        client: TableClient,
        group: readonly UpdatePlan[],
    ): Promise<PromiseSettledResult<Stored<CancellationRecord>>[]> {
        const oneByOne = () => Promise.allSettled(group.map((plan) => this.submitOne(client, plan)));
        if (group.length === 1) return oneByOne();
        let response: TableTransactionResponse;
        try {
            response = await client.submitTransaction(group.flatMap((plan) => plan.actions));
        } catch {
            // A refused transaction wrote nothing, so each plan still holds. (After a lost answer to one that was
            // written, each record's If-Match refuses its second write: a conflict, as for any other writer.)
            return oneByOne();
        }
        // Sub-responses come in the order of the actions: each plan's record is its first action.
        let first = 0;
        return Promise.allSettled(
            group.map((plan) => {
                const etag = response.subResponses[first]?.etag;
                first += plan.actions.length;
                return this.storedAfter(client, plan, etag);
            }),
        );
    }

    /** What replacing the stored version `etag` with `record` writes: the record first, then the index rows that move. */
    private async planUpdate(client: TableClient, record: CancellationRecord, etag: string): Promise<UpdatePlan> {
        const before = await this.versionBefore(client, record, etag);
        if (before.createdAt !== record.createdAt) {
            throw new Error(`cancellation ${record.id}: createdAt cannot change`);
        }
        // The actor may change (a retry performed by another caller): its per-caller list rows move below, in the
        // same transaction as the record.

        const entity = toEntity(record);
        const oldRows = new Set(before.indexRowKeys);
        const newRows = indexEntities(record);
        const newKeys = new Set(newRows.map((row) => row.rowKey));
        const actions: TransactionAction[] = [['update', entity, 'Replace', { etag }]];
        for (const rowKey of oldRows) {
            if (!newKeys.has(rowKey)) actions.push(['delete', { partitionKey: entity.partitionKey, rowKey }]);
        }
        for (const row of newRows) if (!oldRows.has(row.rowKey)) actions.push(['create', row]);
        if (before.resourceKey !== record.resource.resourceKey) {
            actions.push(['upsert', resourceIndexEntity(record), 'Replace']);
        }
        return { record, etag, entity, actions };
    }

    private async storedAfter(
        client: TableClient,
        plan: UpdatePlan,
        answeredEtag: string | undefined,
    ): Promise<Stored<CancellationRecord>> {
        return this.remember(plan.record, {
            value: fromEntity(plan.entity),
            etag: await this.etagOf(client, plan.record, answeredEtag),
        });
    }

    async get(tenantId: string, id: string): Promise<Stored<CancellationRecord> | null> {
        return this.readRecord(await this.table.get(), tenantId, id);
    }

    async findByResource(tenantId: string, resourceKey: string): Promise<Stored<CancellationRecord> | null> {
        const client = await this.table.get();
        const pointer = await getEntityOrNull(client, partitionKeyOf(tenantId), resourceRowKey(resourceKey));
        if (pointer === null || pointer.resourceKey !== resourceKey || typeof pointer.recordId !== 'string') {
            return null;
        }
        const found = await this.readRecord(client, tenantId, pointer.recordId);
        return found !== null && found.value.resource.resourceKey === resourceKey ? found : null;
    }

    async findByMeeting(tenantId: string, meetingKey: string): Promise<Stored<CancellationRecord> | null> {
        const client = await this.table.get();
        const pointer = await getEntityOrNull(client, partitionKeyOf(tenantId), meetingRowKey(meetingKey));
        if (pointer === null || pointer.meetingKey !== meetingKey || typeof pointer.recordId !== 'string') return null;
        return this.readRecord(client, tenantId, pointer.recordId);
    }

    async list(query: ListCancellationsQuery): Promise<CancellationPage> {
        const client = await this.table.get();
        const page = await readIndexPage(client, {
            ...query,
            partitionKey: partitionKeyOf(query.tenantId),
            prefix: listPrefix(query.actorObjectId, query.state, query.origin),
        });
        const records = await this.readRecords(client, query.tenantId, page.rows);
        const items = records.filter(
            (found): found is Stored<CancellationRecord> =>
                // An index row read just before a concurrent update may name a record that moved on: skip it.
                found !== null &&
                (query.state === undefined || found.value.state === query.state) &&
                (query.origin === undefined || originOf(found.value) === query.origin),
        );
        return { items: items.map((found) => found.value), continuationToken: page.continuationToken };
    }

    async listDue(tenantId: string, now: string, limit: number): Promise<readonly Stored<CancellationRecord>[]> {
        const max = Math.trunc(limit);
        if (max <= 0) return [];
        const client = await this.table.get();
        const nowIso = canonicalInstant(now);
        // One range query over the due index: reads only rows due at or before `now`, oldest first.
        const filter =
            `PartitionKey eq ${odataString(partitionKeyOf(tenantId))}` +
            ` and RowKey ge ${odataString(duePrefix)}` +
            ` and RowKey le ${odataString(`${duePrefix}${nowIso}_${high}`)}`;
        const rows = await readRange(client, filter, max);
        const records = await this.readRecords(client, tenantId, rows);
        const nowMs = Date.parse(nowIso);
        return records.filter(
            (found): found is Stored<CancellationRecord> =>
                found !== null && found.value.nextCheckAt !== undefined && Date.parse(found.value.nextCheckAt) <= nowMs,
        );
    }

    /** The stored version `etag` names: remembered if this store wrote it, else read (its index rows are needed). */
    private async versionBefore(
        client: TableClient,
        record: CancellationRecord,
        etag: string,
    ): Promise<WrittenVersion> {
        const remembered = this.written.get(versionKey(record));
        if (remembered?.etag === etag) return remembered;
        const current = await this.readRecord(client, record.tenantId, record.id);
        // The transaction's If-Match decides; this read only tells which index rows the stored version has.
        if (current === null) throw new ConcurrencyConflict('cancellation', record.id);
        return describeVersion(current.value, current.etag);
    }

    /** Keeps what the next update from this version needs; the rows written are exactly `indexEntities(record)`. */
    private remember(record: CancellationRecord, stored: Stored<CancellationRecord>): Stored<CancellationRecord> {
        const key = versionKey(record);
        this.written.delete(key);
        this.written.set(key, describeVersion(record, stored.etag));
        if (this.written.size > maxWrittenVersions) {
            const oldest = this.written.keys().next();
            if (oldest.done !== true) this.written.delete(oldest.value);
        }
        return stored;
    }

    private async readRecord(
        client: TableClient,
        tenantId: string,
        id: string,
    ): Promise<Stored<CancellationRecord> | null> {
        const entity = await getEntityOrNull(client, partitionKeyOf(tenantId), recordRowKey(id));
        if (entity === null) return null;
        return { value: fromEntity(entity), etag: etagOfEntity(entity) };
    }

    /** Point reads of the records index rows name, in the rows' order. */
    private async readRecords(
        client: TableClient,
        tenantId: string,
        rows: readonly Entity[],
    ): Promise<(Stored<CancellationRecord> | null)[]> {
        const results: (Stored<CancellationRecord> | null)[] = [];
        for (let start = 0; start < rows.length; start += readConcurrency) {
            const batch = rows.slice(start, start + readConcurrency);
            results.push(
                ...(await Promise.all(
                    batch.map((row) =>
                        typeof row.recordId === 'string'
                            ? this.readRecord(client, tenantId, row.recordId)
                            : Promise.resolve(null),
                    ),
                )),
            );
        }
        return results;
    }

    /**
     * The record's new ETag as the write answered it (a transaction's first operation is always the record), or read
     * back when the answer had none.
     */
    private async etagOf(
        client: TableClient,
        record: CancellationRecord,
        answered: string | undefined,
    ): Promise<string> {
        const etag = answered?.trim();
        if (etag) return etag;
        const stored = await this.readRecord(client, record.tenantId, record.id);
        if (stored === null) throw new Error(`cancellation ${record.id} vanished right after it was written`);
        return stored.etag;
    }
}

/** 412: the record changed since its ETag; 404/409: an index row another writer already moved. */
function conflictOr(error: unknown, recordId: string): unknown {
    const status = statusOf(error);
    return status === 412 || status === 404 || status === 409
        ? new ConcurrencyConflict('cancellation', recordId)
        : error;
}

/** An entity-group transaction holds at most 100 actions and 4 MiB; the payload estimate keeps well under the latter. */
const maxActionsPerTransaction = 100;
const maxTransactionBytes = 2 * 1024 * 1024;

/**
 * Plans grouped into transactions: one partition (tenant) each, within the limits, and no row twice (two changes of
 * one record go in different transactions, the second then refused by its stale ETag as a separate update would be).
 */
function transactionsOf<T extends UpdatePlan>(plans: readonly T[]): T[][] {
    const open = new Map<string, { plans: T[]; actions: number; bytes: number; rowKeys: Set<string> }>();
    const done: T[][] = [];
    for (const plan of plans) {
        const rowKeys = plan.actions.map(([, entity]) => entity.rowKey);
        const bytes = plan.actions.reduce((sum, [, entity]) => sum + entitySize(entity), 0);
        const partition = plan.entity.partitionKey;
        let group = open.get(partition);
        if (
            group !== undefined &&
            (group.actions + plan.actions.length > maxActionsPerTransaction ||
                group.bytes + bytes > maxTransactionBytes ||
                rowKeys.some((rowKey) => group?.rowKeys.has(rowKey)))
        ) {
            done.push(group.plans);
            group = undefined;
        }
        group ??= { plans: [], actions: 0, bytes: 0, rowKeys: new Set() };
        group.plans.push(plan);
        group.actions += plan.actions.length;
        group.bytes += bytes;
        for (const rowKey of rowKeys) group.rowKeys.add(rowKey);
        open.set(partition, group);
    }
    return [...done, ...[...open.values()].map((group) => group.plans)];
}

function versionKey(record: CancellationRecord): string {
    return `${record.tenantId}\n${record.id}`;
}

function describeVersion(record: CancellationRecord, etag: string): WrittenVersion {
    return {
        etag,
        indexRowKeys: indexEntities(record).map((row) => row.rowKey),
        resourceKey: record.resource.resourceKey,
        createdAt: record.createdAt,
    };
}
