import type { TableClient, TransactionAction } from '@azure/data-tables';
import type {
    Delivery,
    DeliveryPage,
    DeliveryPurgeSummary,
    DeliveryState,
    DeliveryStore,
    ListDeliveriesPageQuery,
    ListDeliveriesQuery,
} from '../../domain/webhooks/delivery';
import {
    allPrefix,
    fromEntity,
    indexEntity,
    indexRowKeys,
    orphanRowKeys,
    legacyPrefix,
    legacyRowKey,
    listPrefix,
    partitionKeyOf,
    recordRowKey,
    stateRowKeys,
    toEntity,
} from './deliveryEntity';
import { type Entity, etagOfEntity, high, maxServicePage, readIndexPage, readRange } from './keyRange';
import { EnsuredTable, getEntityOrNull, statusOf } from './tableClients';
import { invertedTime, odataString } from './tableKeys';
import { ConcurrencyConflict, type Stored } from '../../domain/shared/stored';

/** Point reads issued at once when resolving index rows. */
const readConcurrency = 32;

/**
 * The version token handed out as `Stored.etag`: the row's ETag plus what an update from it must know without a read
 * — which layout the row is in and, for the current one, the state its index rows are filed under.
 */
type Version =
    | { readonly layout: 'current'; readonly state: DeliveryState; readonly etag: string }
    | { readonly layout: 'legacy'; readonly etag: string };

function encodeVersion(version: Version): string {
    return version.layout === 'current' ? `v2|${version.state}|${version.etag}` : `v1|${version.etag}`;
}

function decodeVersion(token: string, id: string): Version {
    const [layout, ...rest] = token.split('|');
    if (layout === 'v1' && rest.length > 0) return { layout: 'legacy', etag: rest.join('|') };
    const [state, ...etag] = rest;
    if (layout === 'v2' && (state === 'pending' || state === 'succeeded' || state === 'failed') && etag.length > 0) {
        return { layout: 'current', state, etag: etag.join('|') };
    }
    // Not a token this store handed out: nothing it could be conditional on.
    throw new ConcurrencyConflict('delivery', id);
}

/**
 * {@link DeliveryStore} on Azure Table Storage (`deliveries`); key layout in `deliveryEntity.ts`. Listing reads one
 * index range in key order (newest first) and only the page it returns; purging reads only expired index rows.
 */
export class TableDeliveryStore implements DeliveryStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async createIfAbsent(delivery: Delivery): Promise<Stored<Delivery>> {
        const client = await this.table.get();
        const actions: TransactionAction[] = [
            ['create', toEntity(delivery)],
            ...indexRowKeys(delivery).map((rowKey): TransactionAction => ['create', indexEntity(delivery, rowKey)]),
        ];
        try {
            const response = await client.submitTransaction(actions);
            return await this.stored(client, delivery, response.subResponses[0]?.etag);
        } catch (error) {
            if (statusOf(error) !== 409) throw error;
            const existing = await this.get(delivery.tenantId, delivery.id);
            if (!existing) throw error;
            return existing;
        }
    }

    async update(delivery: Delivery, etag: string): Promise<Stored<Delivery>> {
        const client = await this.table.get();
        const before = decodeVersion(etag, delivery.id);
        const partitionKey = partitionKeyOf(delivery.tenantId);
        const actions: TransactionAction[] =
            before.layout === 'legacy'
                ? migrationActions(delivery)
                : [['update', toEntity(delivery), 'Replace', { etag: before.etag }]];
        if (before.layout === 'current' && before.state !== delivery.state) {
            for (const rowKey of stateRowKeys(delivery, before.state))
                actions.push(['delete', { partitionKey, rowKey }]);
            for (const rowKey of stateRowKeys(delivery)) actions.push(['create', indexEntity(delivery, rowKey)]);
        }
        try {
            // Index rows unchanged (the state stays): a plain conditional update, cheaper than a one-action batch.
            const written =
                actions.length === 1
                    ? await client.updateEntity(toEntity(delivery), 'Replace', { etag: before.etag })
                    : (await client.submitTransaction(actions)).subResponses[before.layout === 'legacy' ? 1 : 0];
            return await this.stored(client, delivery, written?.etag);
        } catch (error) {
            // 412: changed since `etag`; 404/409: a row another writer already moved or removed.
            const status = statusOf(error);
            if (status === 412 || status === 404 || status === 409)
                throw new ConcurrencyConflict('delivery', delivery.id);
            throw error;
        }
    }

    async get(tenantId: string, id: string): Promise<Stored<Delivery> | null> {
        const client = await this.table.get();
        const partitionKey = partitionKeyOf(tenantId);
        const current = await getEntityOrNull(client, partitionKey, recordRowKey(id));
        if (current !== null) {
            const value = fromEntity(current);
            return {
                value,
                etag: encodeVersion({ layout: 'current', state: value.state, etag: etagOfEntity(current) }),
            };
        }
        const legacy = await getEntityOrNull(client, partitionKey, legacyRowKey(id));
        if (legacy === null) return null;
        return { value: fromEntity(legacy), etag: encodeVersion({ layout: 'legacy', etag: etagOfEntity(legacy) }) };
    }

    async list(query: ListDeliveriesQuery): Promise<readonly Delivery[]> {
        const found: Delivery[] = [];
        let continuationToken: string | undefined;
        do {
            const pageSize = Math.min(query.limit - found.length, maxServicePage);
            if (pageSize < 1) break;
            const page = await this.listPage({ ...query, pageSize, continuationToken });
            found.push(...page.items);
            continuationToken = page.continuationToken;
        } while (continuationToken !== undefined);
        return found;
    }

    async listPage(query: ListDeliveriesPageQuery): Promise<DeliveryPage> {
        const client = await this.table.get();
        const page = await readIndexPage(client, {
            ...query,
            partitionKey: partitionKeyOf(query.tenantId),
            prefix: listPrefix(query.subscriptionId, query.state),
        });
        const found = await this.readDeliveries(client, query.tenantId, page.rows);
        const items = found.filter(
            (delivery): delivery is Delivery =>
                // An index row read just before a concurrent state change may name a delivery that moved on.
                delivery !== null && (query.state === undefined || delivery.state === query.state),
        );
        return { items, continuationToken: page.continuationToken };
    }

    /**
     * Reads the tail of the `all_` index (only rows created before the cutoff) and deletes each delivery with its
     * index rows in one transaction conditional on its ETag. Then moves rows of the first layout, if any are left.
     */
    async purgeCreatedBefore(tenantId: string, before: string, limit: number): Promise<DeliveryPurgeSummary> {
        const max = Math.trunc(limit);
        if (max <= 0) return { deleted: 0, migrated: 0 };
        const client = await this.table.get();
        const partitionKey = partitionKeyOf(tenantId);
        const expiredFilter =
            `PartitionKey eq ${odataString(partitionKey)}` +
            ` and RowKey gt ${odataString(`${allPrefix}${invertedTime(before)}_${high}`)}` +
            ` and RowKey lt ${odataString(allPrefix + high)}`;
        let deleted = 0;
        for (const row of await readRange(client, expiredFilter, max)) {
            if (await this.deleteIndexed(client, tenantId, row, before)) deleted++;
        }
        const legacy = await this.purgeLegacy(client, tenantId, before, max - deleted);
        return { deleted: deleted + legacy.deleted, migrated: legacy.migrated };
    }

    /**
     * Deletes the delivery an expired `all_` row names: the delivery itself only if unchanged since read (transactions
     * cannot make a delete conditional), then its index rows. A run that dies in between leaves index rows without a
     * delivery: listings skip them and the next run's pass over `all_` removes them.
     */
    private async deleteIndexed(client: TableClient, tenantId: string, row: Entity, before: string): Promise<boolean> {
        const partitionKey = partitionKeyOf(tenantId);
        const id = typeof row.deliveryId === 'string' ? row.deliveryId : undefined;
        const entity = id === undefined ? null : await getEntityOrNull(client, partitionKey, recordRowKey(id));
        if (entity === null) {
            await deleteRows(client, partitionKey, orphanRowKeys(row));
            return false;
        }
        const delivery = fromEntity(entity);
        if (!(delivery.createdAt < before)) return false;
        const rowKey = recordRowKey(delivery.id);
        if (!(await ignoreChanged(client.deleteEntity(partitionKey, rowKey, { etag: etagOfEntity(entity) }))))
            return false;
        await deleteRows(client, partitionKey, indexRowKeys(delivery));
        return true;
    }

    /** First-layout rows (`d_…`): expired ones are deleted, the others moved to the current layout (indexed). */
    private async purgeLegacy(
        client: TableClient,
        tenantId: string,
        before: string,
        max: number,
    ): Promise<DeliveryPurgeSummary> {
        if (max <= 0) return { deleted: 0, migrated: 0 };
        const partitionKey = partitionKeyOf(tenantId);
        const filter =
            `PartitionKey eq ${odataString(partitionKey)}` +
            ` and RowKey ge ${odataString(legacyPrefix)} and RowKey lt ${odataString(legacyPrefix + high)}`;
        let deleted = 0;
        let migrated = 0;
        for (const entity of await readRange(client, filter, max)) {
            const delivery = fromEntity(entity);
            const etag = etagOfEntity(entity);
            if (delivery.createdAt < before) {
                if (await ignoreChanged(client.deleteEntity(partitionKey, entity.rowKey ?? '', { etag }))) deleted++;
                continue;
            }
            try {
                await client.submitTransaction(migrationActions(delivery));
                migrated++;
            } catch (error) {
                // 409: the same delivery already exists in the current layout (fanned out again): keep that one.
                if (statusOf(error) !== 409) {
                    if (!isChanged(error)) throw error;
                    continue;
                }
                await ignoreChanged(client.deleteEntity(partitionKey, entity.rowKey ?? '', { etag }));
            }
        }
        return { deleted, migrated };
    }

    /** Point reads of the deliveries index rows name, in the rows' order. */
    private async readDeliveries(
        client: TableClient,
        tenantId: string,
        rows: readonly Entity[],
    ): Promise<(Delivery | null)[]> {
        const partitionKey = partitionKeyOf(tenantId);
        const results: (Delivery | null)[] = [];
        for (let start = 0; start < rows.length; start += readConcurrency) {
            const batch = rows.slice(start, start + readConcurrency);
            results.push(
                ...(await Promise.all(
                    batch.map(async (row) => {
                        if (typeof row.deliveryId !== 'string') return null;
                        const entity = await getEntityOrNull(client, partitionKey, recordRowKey(row.deliveryId));
                        return entity === null ? null : fromEntity(entity);
                    }),
                )),
            );
        }
        return results;
    }

    /** The version token of a delivery just written, from the ETag the write answered (or read back if none). */
    private async stored(
        client: TableClient,
        delivery: Delivery,
        answered: string | undefined,
    ): Promise<Stored<Delivery>> {
        let etag = answered?.trim();
        if (!etag) {
            const entity = await getEntityOrNull(client, partitionKeyOf(delivery.tenantId), recordRowKey(delivery.id));
            if (entity === null) throw new ConcurrencyConflict('delivery', delivery.id);
            etag = etagOfEntity(entity);
        }
        return { value: delivery, etag: encodeVersion({ layout: 'current', state: delivery.state, etag }) };
    }
}

/** Moves a first-layout row to the current one: the old row goes (if unchanged), the delivery and its index arrive. */
function migrationActions(delivery: Delivery): TransactionAction[] {
    const partitionKey = partitionKeyOf(delivery.tenantId);
    return [
        // Unconditional in a transaction, but a first-layout row never changes in place (every update moves it), so
        // "it is still there and `rec_` is not" is the same test as its ETag: the loser of a race gets 404 or 409.
        ['delete', { partitionKey, rowKey: legacyRowKey(delivery.id) }],
        ['create', toEntity(delivery)],
        ...indexRowKeys(delivery).map((rowKey): TransactionAction => ['create', indexEntity(delivery, rowKey)]),
    ];
}

function isChanged(error: unknown): boolean {
    const status = statusOf(error);
    return status === 404 || status === 412;
}

/** Whether a conditional write went through; `false` when the row changed or went meanwhile (left to later). */
async function ignoreChanged(write: Promise<unknown>): Promise<boolean> {
    try {
        await write;
        return true;
    } catch (error) {
        if (isChanged(error)) return false;
        throw error;
    }
}

/** Deletes rows of one partition, in one transaction when all are there, else one by one (a missing one is fine). */
async function deleteRows(client: TableClient, partitionKey: string, rowKeys: readonly string[]): Promise<void> {
    if (rowKeys.length === 0) return;
    try {
        await client.submitTransaction(
            rowKeys.map((rowKey): TransactionAction => ['delete', { partitionKey, rowKey }]),
        );
        return;
    } catch (error) {
        if (statusOf(error) !== 404) throw error;
    }
    for (const rowKey of rowKeys) {
        try {
            await client.deleteEntity(partitionKey, rowKey);
        } catch (error) {
            if (statusOf(error) !== 404) throw error;
        }
    }
}
