import { cancellationOrigins } from '../../domain/cancellation/record';
import type { TableClient, TableEntity } from '@azure/data-tables';
import * as z from 'zod';
import { notificationEventTypes, type NotificationEventType } from '../../domain/notifications/notificationMessage';
import type { Subscription, SubscriptionStore } from '../../domain/webhooks/subscription';
import { EnsuredTable, statusOf } from './tableClients';
import { escapeKeyPart, odataString } from './tableKeys';
import { ConcurrencyConflict, type Stored } from '../../domain/shared/stored';

/** A create for an id that is already stored. */
export class SubscriptionAlreadyExists extends Error {
    constructor(readonly subscriptionId: string) {
        super(`subscription ${subscriptionId} already exists`);
        this.name = 'SubscriptionAlreadyExists';
    }
}

const secretsSchema = z.array(
    z.object({ secret: z.string(), createdAt: z.string(), expiresAt: z.string().optional() }).strict(),
);
const eventTypesSchema = z.array(z.enum(notificationEventTypes));

/**
 * {@link SubscriptionStore} on Azure Table Storage (table `subscriptions`). PartitionKey = `t_<escaped tenantId>`,
 * RowKey = `s_<escaped id>`; one entity per subscription with `eventTypes` and `secrets` as JSON strings and the
 * rest as plain properties. Updates are `Replace` conditional on the ETag.
 *
 * `listMatching` asks the service for the partition's enabled rows and picks the event type here: Tables cannot
 * look inside a JSON property, and a tenant holds at most a few hundred subscriptions.
 */
export class TableSubscriptionStore implements SubscriptionStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async create(subscription: Subscription): Promise<Stored<Subscription>> {
        const client = await this.table.get();
        const entity = toEntity(subscription);
        try {
            const response = await client.createEntity(entity);
            return { value: fromEntity(entity), etag: requireEtag(response.etag) };
        } catch (error) {
            if (statusOf(error) === 409) throw new SubscriptionAlreadyExists(subscription.id);
            throw error;
        }
    }

    async update(subscription: Subscription, etag: string): Promise<Stored<Subscription>> {
        const client = await this.table.get();
        const entity = toEntity(subscription);
        try {
            const response = await client.updateEntity(entity, 'Replace', { etag });
            return { value: fromEntity(entity), etag: requireEtag(response.etag) };
        } catch (error) {
            // 412: changed since `etag`; 404: deleted meanwhile. Either way the caller's copy is stale.
            const status = statusOf(error);
            if (status === 412 || status === 404) throw new ConcurrencyConflict('subscription', subscription.id);
            throw error;
        }
    }

    async get(tenantId: string, id: string): Promise<Stored<Subscription> | null> {
        const client = await this.table.get();
        try {
            const entity = await client.getEntity<Record<string, unknown>>(partitionKeyOf(tenantId), rowKeyOf(id));
            return { value: fromEntity(entity), etag: requireEtag(entity.etag) };
        } catch (error) {
            if (statusOf(error) === 404) return null;
            throw error;
        }
    }

    /** Deleting one that is not there is not an error. */
    async delete(tenantId: string, id: string): Promise<void> {
        const client = await this.table.get();
        try {
            await client.deleteEntity(partitionKeyOf(tenantId), rowKeyOf(id));
        } catch (error) {
            if (statusOf(error) !== 404) throw error;
        }
    }

    async list(tenantId: string): Promise<readonly Subscription[]> {
        return this.query(`PartitionKey eq ${odataString(partitionKeyOf(tenantId))}`);
    }

    async listMatching(tenantId: string, eventType: NotificationEventType): Promise<readonly Subscription[]> {
        const enabled = await this.query(
            `PartitionKey eq ${odataString(partitionKeyOf(tenantId))} and enabled eq true`,
        );
        return enabled.filter((subscription) => subscription.enabled && subscription.eventTypes.includes(eventType));
    }

    private async query(filter: string): Promise<Subscription[]> {
        const client = await this.table.get();
        const found: Subscription[] = [];
        const rows = client.listEntities<Record<string, unknown>>({ queryOptions: { filter } });
        for await (const entity of rows) {
            if (typeof entity.rowKey === 'string' && entity.rowKey.startsWith(rowPrefix))
                found.push(fromEntity(entity));
        }
        return found;
    }
}

const rowPrefix = 's_';

export function partitionKeyOf(tenantId: string): string {
    return 't_' + escapeKeyPart(tenantId);
}

export function rowKeyOf(id: string): string {
    return rowPrefix + escapeKeyPart(id);
}

function toEntity(subscription: Subscription): TableEntity<Record<string, unknown>> {
    const entity: TableEntity<Record<string, unknown>> = {
        partitionKey: partitionKeyOf(subscription.tenantId),
        rowKey: rowKeyOf(subscription.id),
        schemaVersion: 1,
        id: subscription.id,
        tenantId: subscription.tenantId,
        notificationUrl: subscription.notificationUrl,
        eventTypes: JSON.stringify(subscription.eventTypes),
        enabled: subscription.enabled,
        createdAt: subscription.createdAt,
        updatedAt: subscription.updatedAt,
        // The owner keeps the `createdBy…` column names of the rows stored before it had a kind and a scope.
        createdByObjectId: subscription.owner.objectId,
        createdByAppId: subscription.owner.appId,
        scope: subscription.scope,
        secrets: JSON.stringify(subscription.secrets),
    };
    if (subscription.owner.kind !== undefined) entity.ownerKind = subscription.owner.kind;
    if (subscription.origins !== undefined) entity.origins = JSON.stringify(subscription.origins);
    if (subscription.clientState !== undefined) entity.clientState = subscription.clientState;
    if (subscription.description !== undefined) entity.description = subscription.description;
    if (subscription.disabledReason !== undefined) entity.disabledReason = subscription.disabledReason;
    if (subscription.failingSince !== undefined) entity.failingSince = subscription.failingSince;
    return entity;
}

function text(entity: Readonly<Record<string, unknown>>, name: string): string {
    const value = entity[name];
    if (typeof value !== 'string') throw new Error(`subscription entity: ${name} is missing`);
    return value;
}

function optionalText(entity: Readonly<Record<string, unknown>>, name: string): string | undefined {
    const value = entity[name];
    return typeof value === 'string' ? value : undefined;
}

const originsSchema = z.array(z.enum(cancellationOrigins));

/** Absent on rows stored before origins existed (and on subscriptions without the filter): every origin. */
function originsOf(text: string | undefined): Subscription['origins'] {
    return text === undefined ? undefined : originsSchema.parse(JSON.parse(text));
}

function fromEntity(entity: Readonly<Record<string, unknown>>): Subscription {
    const disabledReason = optionalText(entity, 'disabledReason');
    const ownerKind = optionalText(entity, 'ownerKind');
    const secrets = secretsSchema
        .parse(JSON.parse(text(entity, 'secrets')))
        .map(({ secret, createdAt, expiresAt }) =>
            expiresAt === undefined ? { secret, createdAt } : { secret, createdAt, expiresAt },
        );
    return {
        id: text(entity, 'id'),
        tenantId: text(entity, 'tenantId'),
        notificationUrl: text(entity, 'notificationUrl'),
        eventTypes: eventTypesSchema.parse(JSON.parse(text(entity, 'eventTypes'))),
        clientState: optionalText(entity, 'clientState'),
        description: optionalText(entity, 'description'),
        enabled: entity.enabled === true,
        disabledReason:
            disabledReason === 'gone' || disabledReason === 'failing' || disabledReason === 'manual'
                ? disabledReason
                : undefined,
        createdAt: text(entity, 'createdAt'),
        updatedAt: text(entity, 'updatedAt'),
        owner: {
            kind: ownerKind === 'user' || ownerKind === 'app' ? ownerKind : undefined,
            tenantId: text(entity, 'tenantId'),
            objectId: text(entity, 'createdByObjectId'),
            appId: text(entity, 'createdByAppId'),
        },
        // A row from before scopes existed was made when any caller's subscription saw the whole tenant; it now gets
        // its owner's records only, and an administrator creates a tenant-wide one where that is wanted.
        scope: optionalText(entity, 'scope') === 'tenant' ? 'tenant' : 'owner',
        secrets,
        origins: originsOf(optionalText(entity, 'origins')),
        failingSince: optionalText(entity, 'failingSince'),
    };
}

function requireEtag(etag: string | undefined): string {
    if (!etag) throw new Error('storage returned no ETag');
    return etag;
}
