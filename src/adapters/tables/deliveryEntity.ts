import type { TableEntity } from '@azure/data-tables';
import type { NotificationEventType } from '../../domain/notifications/notificationMessage';
import type { Delivery, DeliveryState } from '../../domain/webhooks/delivery';
import { getText, putText } from './entityText';
import { escapeKeyPart, hashKeyPart, invertedTime } from './tableKeys';

/**
 * Key layout of the `deliveries` table. One partition per tenant (`t_<tenantId>`); in it, per delivery:
 *
 * | RowKey                                              | what                                   |
 * |-----------------------------------------------------|----------------------------------------|
 * | `rec_<id>`                                          | the delivery                           |
 * | `all_<inverted createdAt>_<id>`                     | list, newest first                     |
 * | `sub_<hash(subscriptionId)>_<inverted>_<id>`        | list per subscription                  |
 * | `state_<state>_<inverted>_<id>`                     | list per state                         |
 * | `subState_<hash(subscriptionId)>_<state>_<inv>_<id>`| list per subscription and state        |
 *
 * The delivery and its index rows change together in one entity-group transaction. Index rows carry `deliveryId`.
 *
 * Rows of the first layout (`d_<id>`, no index rows) are still read by id; an update moves such a row to this
 * layout, and the hourly purge moves (or, when expired, deletes) the rest a bounded number at a time.
 */
export const recordPrefix = 'rec_';
export const legacyPrefix = 'd_';
export const allPrefix = 'all_';

export function partitionKeyOf(tenantId: string): string {
    return `t_${escapeKeyPart(tenantId)}`;
}

export function recordRowKey(id: string): string {
    return recordPrefix + escapeKeyPart(id);
}

export function legacyRowKey(id: string): string {
    return legacyPrefix + escapeKeyPart(id);
}

/** The prefix of one list index: every row under it is `<prefix><inverted createdAt>_<id>`. */
export function listPrefix(subscriptionId: string | undefined, state: DeliveryState | undefined): string {
    if (subscriptionId !== undefined && state !== undefined) return `subState_${hashKeyPart(subscriptionId)}_${state}_`;
    if (subscriptionId !== undefined) return `sub_${hashKeyPart(subscriptionId)}_`;
    if (state !== undefined) return `state_${state}_`;
    return allPrefix;
}

function rowSuffix(delivery: Pick<Delivery, 'createdAt' | 'id'>): string {
    return `${invertedTime(delivery.createdAt)}_${escapeKeyPart(delivery.id)}`;
}

/** RowKeys of the index rows that depend on the state (they move when it changes). */
export function stateRowKeys(delivery: Delivery, state: DeliveryState = delivery.state): string[] {
    const suffix = rowSuffix(delivery);
    return [listPrefix(undefined, state) + suffix, listPrefix(delivery.subscriptionId, state) + suffix];
}

/** RowKeys of every index row of a delivery. */
export function indexRowKeys(delivery: Delivery): string[] {
    const suffix = rowSuffix(delivery);
    return [allPrefix + suffix, listPrefix(delivery.subscriptionId, undefined) + suffix, ...stateRowKeys(delivery)];
}

/** An index row; it carries what never changes (id, subscription, createdAt) so that it can be tidied on its own. */
export function indexEntity(delivery: Delivery, rowKey: string): TableEntity {
    return {
        partitionKey: partitionKeyOf(delivery.tenantId),
        rowKey,
        entityType: 'deliveryIndex',
        deliveryId: delivery.id,
        subscriptionId: delivery.subscriptionId,
        createdAt: delivery.createdAt,
    };
}

/** Every index RowKey a delivery named by an index row can have, whatever its state: for removing leftovers. */
export function orphanRowKeys(row: Readonly<Record<string, unknown>>): string[] {
    const { deliveryId: id, subscriptionId, createdAt } = row;
    if (typeof id !== 'string' || typeof subscriptionId !== 'string' || typeof createdAt !== 'string') {
        return typeof row.rowKey === 'string' ? [row.rowKey] : [];
    }
    const sample: Delivery = { ...placeholder, id, subscriptionId, createdAt };
    const keys = new Set(indexRowKeys(sample));
    for (const state of deliveryStates) for (const key of stateRowKeys(sample, state)) keys.add(key);
    return [...keys];
}

const deliveryStates: readonly DeliveryState[] = ['pending', 'succeeded', 'failed'];
const placeholder: Delivery = {
    id: '',
    tenantId: '',
    subscriptionId: '',
    messageId: '',
    cancellationId: '',
    eventType: 'event.cancelled',
    state: 'pending',
    body: '',
    attempts: 0,
    createdAt: '',
    updatedAt: '',
};

export function toEntity(delivery: Delivery, rowKey = recordRowKey(delivery.id)): TableEntity<Record<string, unknown>> {
    const entity: TableEntity<Record<string, unknown>> = {
        partitionKey: partitionKeyOf(delivery.tenantId),
        rowKey,
        entityType: 'delivery',
        id: delivery.id,
        tenantId: delivery.tenantId,
        subscriptionId: delivery.subscriptionId,
        messageId: delivery.messageId,
        eventType: delivery.eventType,
        state: delivery.state,
        attempts: delivery.attempts,
        createdAt: delivery.createdAt,
        updatedAt: delivery.updatedAt,
    };
    for (const name of [
        'cancellationId',
        'jobId',
        'lastAttemptAt',
        'nextAttemptAt',
        'lastStatus',
        'lastError',
    ] as const) {
        if (delivery[name] !== undefined) entity[name] = delivery[name];
    }
    putText(entity, 'body', delivery.body);
    return entity;
}

export function fromEntity(entity: Readonly<Record<string, unknown>>): Delivery {
    const text = (name: string) => (typeof entity[name] === 'string' ? entity[name] : undefined);
    return {
        id: String(entity.id),
        tenantId: String(entity.tenantId),
        subscriptionId: String(entity.subscriptionId),
        messageId: String(entity.messageId),
        cancellationId: text('cancellationId'),
        jobId: text('jobId'),
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
