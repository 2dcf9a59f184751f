import type { TableClient, TableEntityResult } from '@azure/data-tables';
import type { Stored } from '../../domain/cancellation/record';
import { ConcurrencyConflict } from '../../domain/cancellation/store';
import type { NotificationEventType } from '../../domain/notifications/notificationMessage';
import type { Delivery, DeliveryStore, ListDeliveriesQuery } from '../../domain/webhooks/delivery';
import { getText, putText } from './entityText';
import { createTableClient, EnsuredTable, statusOf } from './tableClients';
import { escapeKeyPart, odataString } from './tableKeys';

type Entity = TableEntityResult<Record<string, unknown>>;

/** Listing reads at most this many matching deliveries of a tenant before sorting newest first. */
const maxListScan = 5_000;

const partitionOf = (tenantId: string) => `t_${escapeKeyPart(tenantId)}`;
const rowOf = (id: string) => `d_${escapeKeyPart(id)}`;

function toEntity(delivery: Delivery): Record<string, unknown> & { partitionKey: string; rowKey: string } {
    const entity: Record<string, unknown> & { partitionKey: string; rowKey: string } = {
        partitionKey: partitionOf(delivery.tenantId),
        rowKey: rowOf(delivery.id),
        id: delivery.id,
        tenantId: delivery.tenantId,
        subscriptionId: delivery.subscriptionId,
        messageId: delivery.messageId,
        cancellationId: delivery.cancellationId,
        eventType: delivery.eventType,
        state: delivery.state,
        attempts: delivery.attempts,
        createdAt: delivery.createdAt,
        updatedAt: delivery.updatedAt,
    };
    for (const name of ['lastAttemptAt', 'nextAttemptAt', 'lastStatus', 'lastError'] as const) {
        if (delivery[name] !== undefined) entity[name] = delivery[name];
    }
    putText(entity, 'body', delivery.body);
    return entity;
}

function fromEntity(entity: Readonly<Record<string, unknown>>): Delivery {
    const text = (name: string) => (typeof entity[name] === 'string' ? entity[name] : undefined);
    return {
        id: String(entity.id),
        tenantId: String(entity.tenantId),
        subscriptionId: String(entity.subscriptionId),
        messageId: String(entity.messageId),
        cancellationId: String(entity.cancellationId),
        eventType: String(entity.eventType) as NotificationEventType,
        state: String(entity.state) as Delivery['state'],
        body: getText(entity, 'body') ?? '',
        attempts: Number(entity.attempts),
        createdAt: String(entity.createdAt),
        updatedAt: String(entity.updatedAt),
        lastAttemptAt: text('lastAttemptAt'),
        nextAttemptAt: text('nextAttemptAt'),
        lastStatus: typeof entity.lastStatus === 'number' ? entity.lastStatus : undefined,
        lastError: text('lastError'),
    };
}

/** {@link DeliveryStore} on Azure Table Storage (`deliveries`): one partition per tenant, one row per delivery. */
export class TableDeliveryStore implements DeliveryStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    static fromConnectionString(connectionString: string, tableName = 'deliveries'): TableDeliveryStore {
        return new TableDeliveryStore(createTableClient(connectionString, tableName));
    }

    async createIfAbsent(delivery: Delivery): Promise<Stored<Delivery>> {
        const client = await this.table.get();
        try {
            const response = await client.createEntity(toEntity(delivery));
            return { value: delivery, etag: response.etag ?? '' };
        } catch (error) {
            if (statusOf(error) !== 409) throw error;
            const existing = await this.get(delivery.tenantId, delivery.id);
            if (!existing) throw error;
            return existing;
        }
    }

    async update(delivery: Delivery, etag: string): Promise<Stored<Delivery>> {
        const client = await this.table.get();
        try {
            const response = await client.updateEntity(toEntity(delivery), 'Replace', { etag });
            return { value: delivery, etag: response.etag ?? '' };
        } catch (error) {
            if (statusOf(error) === 412 || statusOf(error) === 404) throw new ConcurrencyConflict(delivery.id);
            throw error;
        }
    }

    async get(tenantId: string, id: string): Promise<Stored<Delivery> | null> {
        const client = await this.table.get();
        try {
            const entity: Entity = await client.getEntity(partitionOf(tenantId), rowOf(id));
            return { value: fromEntity(entity), etag: entity.etag };
        } catch (error) {
            if (statusOf(error) === 404) return null;
            throw error;
        }
    }

    async list(query: ListDeliveriesQuery): Promise<readonly Delivery[]> {
        const client = await this.table.get();
        const filters = [`PartitionKey eq ${odataString(partitionOf(query.tenantId))}`];
        if (query.state) filters.push(`state eq ${odataString(query.state)}`);
        if (query.subscriptionId) filters.push(`subscriptionId eq ${odataString(query.subscriptionId)}`);
        if (query.since) filters.push(`createdAt ge ${odataString(query.since)}`);
        const found: Delivery[] = [];
        for await (const entity of client.listEntities({ queryOptions: { filter: filters.join(' and ') } })) {
            found.push(fromEntity(entity));
            if (found.length >= maxListScan) break;
        }
        return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, query.limit);
    }
}
