import type { TableClient, TableEntity } from '@azure/data-tables';
import type { NotificationMessage } from '../../domain/notifications/notificationMessage';
import type {
    ParkedNotification,
    ParkedNotificationPage,
    ParkedNotificationState,
    ParkedNotificationStore,
} from '../../domain/webhooks/poison';
import { decodeToken, encodeToken, type Entity, etagOfEntity } from './keyRange';
import { EnsuredTable, getEntityOrNull, statusOf } from './tableClients';
import { escapeKeyPart, odataString } from './tableKeys';
import { ConcurrencyConflict, type Stored } from '../../domain/shared/stored';

const partitionOf = (tenantId: string) => `t_${escapeKeyPart(tenantId)}`;
const rowOf = (id: string) => `n_${escapeKeyPart(id)}`;

function toEntity(parked: ParkedNotification): TableEntity<Record<string, unknown>> {
    const entity: TableEntity<Record<string, unknown>> = {
        partitionKey: partitionOf(parked.tenantId),
        rowKey: rowOf(parked.id),
        id: parked.id,
        tenantId: parked.tenantId,
        state: parked.state,
        redrives: parked.redrives,
        firstParkedAt: parked.firstParkedAt,
        lastParkedAt: parked.lastParkedAt,
    };
    if (parked.message !== undefined) entity.message = JSON.stringify(parked.message);
    if (parked.raw !== undefined) entity.raw = parked.raw;
    if (parked.nextRedriveAt !== undefined) entity.nextRedriveAt = parked.nextRedriveAt;
    return entity;
}

function fromEntity(entity: Readonly<Record<string, unknown>>): ParkedNotification {
    const text = (name: string) => (typeof entity[name] === 'string' ? entity[name] : undefined);
    const message = text('message');
    return {
        id: String(entity.id),
        tenantId: String(entity.tenantId),
        state: String(entity.state) as ParkedNotificationState,
        message: message === undefined ? undefined : (JSON.parse(message) as NotificationMessage),
        raw: text('raw'),
        redrives: Number(entity.redrives),
        firstParkedAt: String(entity.firstParkedAt),
        lastParkedAt: String(entity.lastParkedAt),
        nextRedriveAt: text('nextRedriveAt'),
    };
}

/**
 * {@link ParkedNotificationStore} on Azure Table Storage (`parkednotifications`): PartitionKey `t_<tenantId>`, RowKey
 * `n_<escaped id>`. Few rows by nature (only what poisoned), so listing goes in key order.
 */
export class TableParkedNotificationStore implements ParkedNotificationStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async get(tenantId: string, id: string): Promise<Stored<ParkedNotification> | null> {
        const client = await this.table.get();
        const entity = await getEntityOrNull(client, partitionOf(tenantId), rowOf(id));
        return entity === null ? null : { value: fromEntity(entity), etag: etagOfEntity(entity) };
    }

    async save(parked: ParkedNotification, etag?: string): Promise<Stored<ParkedNotification>> {
        const client = await this.table.get();
        const entity = toEntity(parked);
        try {
            const response =
                etag === undefined
                    ? await client.createEntity(entity)
                    : await client.updateEntity(entity, 'Replace', { etag });
            return { value: parked, etag: response.etag ?? '' };
        } catch (error) {
            const status = statusOf(error);
            if (status === 409 || status === 412 || status === 404)
                throw new ConcurrencyConflict('parked notification', parked.id);
            throw error;
        }
    }

    async list(tenantId: string, pageSize: number, continuationToken?: string): Promise<ParkedNotificationPage> {
        const client = await this.table.get();
        const after = continuationToken === undefined ? undefined : decodeToken(continuationToken, 'n_');
        const filter =
            `PartitionKey eq ${odataString(partitionOf(tenantId))}` +
            (after === undefined ? '' : ` and RowKey gt ${odataString(after)}`);
        // One more than a page tells whether there is a next page.
        const pages = client
            .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
            .byPage({ maxPageSize: pageSize + 1 });
        const rows: Entity[] = [];
        for await (const page of pages) {
            rows.push(...page.slice(0, pageSize + 1 - rows.length));
            if (rows.length > pageSize) break;
        }
        const pageRows = rows.slice(0, pageSize);
        const last = pageRows[pageRows.length - 1]?.rowKey;
        return {
            items: pageRows.map(fromEntity),
            continuationToken: rows.length > pageSize && last !== undefined ? encodeToken(last) : undefined,
        };
    }
}
