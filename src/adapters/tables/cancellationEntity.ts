import type { TableEntity } from '@azure/data-tables';
import type {
    Actor,
    CancelAttempt,
    CancellationKind,
    CancellationOrigin,
    CancellationRecord,
    CancellationState,
    CancelledResource,
    ItemFinding,
    RecordedError,
    Recipient,
} from '../../domain/cancellation/record';
import { originOf } from '../../domain/cancellation/record';
import { entitySize, getText, putText } from './entityText';
import { canonicalInstant, escapeKeyPart, hashKeyPart, invertedTime } from './tableKeys';

/**
 * Key layout of the `cancellations` table. One partition per tenant (`t_<tenantId>`); in it, per record:
 *
 * | RowKey                                             | what                                        |
 * |----------------------------------------------------|---------------------------------------------|
 * | `rec_<id>`                                         | the record                                  |
 * | `due_<nextCheckAt ISO>_<id>`                       | due index, only while `nextCheckAt` is set  |
 * | `res_<hash(resourceKey)>`                          | newest record id for an item                |
 * | `mtg_<hash(meetingKey)>`                           | the record that holds a meeting (the feed)  |
 * | `all_<inverted createdAt>_<id>`                    | list, every caller, newest first            |
 * | `byActor_<hash(oid)>_<inverted createdAt>_<id>`    | list per caller                             |
 * | `byState_<state>_<inverted createdAt>_<id>`        | list per state                              |
 * | `byActorState_<hash(oid)>_<state>_<inv>_<id>`      | list per caller and state                   |
 * | `byOrigin_<origin>_<inverted createdAt>_<id>`      | list per outside origin (outlook, bookings) |
 *
 * User-provided parts are escaped ({@link escapeKeyPart}) or hashed; index rows carry `recordId`.
 */
export const recordPrefix = 'rec_';
export const duePrefix = 'due_';
export const resourcePrefix = 'res_';
export const meetingPrefix = 'mtg_';

export function partitionKeyOf(tenantId: string): string {
    return 't_' + escapeKeyPart(tenantId);
}

export function recordRowKey(id: string): string {
    return recordPrefix + escapeKeyPart(id);
}

export function dueRowKey(nextCheckAt: string, id: string): string {
    return `${duePrefix}${canonicalInstant(nextCheckAt)}_${escapeKeyPart(id)}`;
}

export function resourceRowKey(resourceKey: string): string {
    return resourcePrefix + hashKeyPart(resourceKey);
}

export function meetingRowKey(meetingKey: string): string {
    return meetingPrefix + hashKeyPart(meetingKey);
}

/**
 * The prefix of one list index: every row under it is `<prefix><inverted createdAt>_<id>`. Outside origins have
 * their own index (the feed's records are few among the gateway's); any other origin filter reads the index below
 * and drops what does not match.
 */
export function listPrefix(
    actorObjectId: string | undefined,
    state: CancellationState | undefined,
    origin?: CancellationOrigin,
): string {
    if (actorObjectId === undefined && state === undefined && origin !== undefined && origin !== 'gateway') {
        return `byOrigin_${origin}_`;
    }
    if (actorObjectId !== undefined && state !== undefined)
        return `byActorState_${hashKeyPart(actorObjectId)}_${state}_`;
    if (actorObjectId !== undefined) return `byActor_${hashKeyPart(actorObjectId)}_`;
    if (state !== undefined) return `byState_${state}_`;
    return 'all_';
}

/** RowKeys of every list index row of a record. */
export function listRowKeys(record: CancellationRecord): string[] {
    const suffix = `${invertedTime(record.createdAt)}_${escapeKeyPart(record.id)}`;
    return [
        listPrefix(undefined, undefined) + suffix,
        listPrefix(record.actor.objectId, undefined) + suffix,
        listPrefix(undefined, record.state) + suffix,
        listPrefix(record.actor.objectId, record.state) + suffix,
        ...(originOf(record) === 'gateway' ? [] : [listPrefix(undefined, undefined, originOf(record)) + suffix]),
    ];
}

/** Every index RowKey a record has, with what each row stores besides its keys. */
export function indexEntities(record: CancellationRecord): TableEntity[] {
    const partitionKey = partitionKeyOf(record.tenantId);
    const rows: TableEntity[] = listRowKeys(record).map((rowKey) => ({
        partitionKey,
        rowKey,
        entityType: 'listIndex',
        recordId: record.id,
    }));
    if (record.nextCheckAt !== undefined) {
        rows.push({
            partitionKey,
            rowKey: dueRowKey(record.nextCheckAt, record.id),
            entityType: 'dueIndex',
            recordId: record.id,
            nextCheckAt: record.nextCheckAt,
        });
    }
    return rows;
}

export function resourceIndexEntity(record: CancellationRecord): TableEntity {
    return {
        partitionKey: partitionKeyOf(record.tenantId),
        rowKey: resourceRowKey(record.resource.resourceKey),
        entityType: 'resourceIndex',
        recordId: record.id,
        resourceKey: record.resource.resourceKey,
    };
}

/** The meeting's pointer row, for a record that knows its meeting (`resource.meetingKey`). */
export function meetingIndexEntity(record: CancellationRecord): TableEntity | undefined {
    const { meetingKey } = record.resource;
    if (meetingKey === undefined) return undefined;
    return {
        partitionKey: partitionKeyOf(record.tenantId),
        rowKey: meetingRowKey(meetingKey),
        entityType: 'meetingIndex',
        recordId: record.id,
        meetingKey,
    };
}

/**
 * An entity must stay under 1 MiB; this leaves room for the keys and the service's own accounting. When the audience
 * (the only list that grows with the item: 500 attendees is fine, ~2 KB each would not be) does not fit, recipients are
 * dropped from the end, and the entity keeps `audienceCount` (all of them) and `audienceOmitted` (how many dropped).
 */
export const maxEntityBytes = 900_000;

export class RecordTooLargeError extends Error {
    constructor(readonly recordId: string) {
        super(`cancellation ${recordId} does not fit in a table entity even without its audience`);
        this.name = 'RecordTooLargeError';
    }
}

export function toEntity(record: CancellationRecord): TableEntity<Record<string, unknown>> {
    const base = (audience: readonly Recipient[]): TableEntity<Record<string, unknown>> => {
        const entity: TableEntity<Record<string, unknown>> = {
            partitionKey: partitionKeyOf(record.tenantId),
            rowKey: recordRowKey(record.id),
            entityType: 'record',
            schemaVersion: 1,
            id: record.id,
            tenantId: record.tenantId,
            kind: record.kind,
            ...(record.origin === undefined ? {} : { origin: record.origin }),
            state: record.state,
            createdAt: record.createdAt,
            updatedAt: record.updatedAt,
            actor: JSON.stringify(record.actor),
            actorObjectId: record.actor.objectId,
            resourceKey: record.resource.resourceKey,
            attempts: record.attempts,
            notificationPending: record.notificationPending,
            audienceCount: record.audience.length,
            audienceOmitted: record.audience.length - audience.length,
        };
        putText(entity, 'resource', JSON.stringify(record.resource));
        putText(entity, 'comment', record.comment);
        putText(entity, 'cancellationMessage', record.cancellationMessage);
        putText(entity, 'audience', JSON.stringify(audience));
        putText(entity, 'graphRequestIds', JSON.stringify(record.graphRequestIds));
        putText(entity, 'history', record.history === undefined ? undefined : JSON.stringify(record.history));
        if (record.lastError !== undefined) entity.lastError = JSON.stringify(record.lastError);
        if (record.nextCheckAt !== undefined) entity.nextCheckAt = record.nextCheckAt;
        if (record.lastFinding !== undefined) entity.lastFinding = record.lastFinding;
        return entity;
    };

    const full = base(record.audience);
    if (entitySize(full) <= maxEntityBytes) return full;
    // Binary search for the longest audience prefix that fits.
    let low = 0;
    let high = record.audience.length - 1;
    let best: TableEntity<Record<string, unknown>> | undefined;
    while (low <= high) {
        const mid = (low + high) >> 1;
        const candidate = base(record.audience.slice(0, mid));
        if (entitySize(candidate) <= maxEntityBytes) {
            best = candidate;
            low = mid + 1;
        } else {
            high = mid - 1;
        }
    }
    if (best === undefined) throw new RecordTooLargeError(record.id);
    return best;
}

export function fromEntity(entity: Readonly<Record<string, unknown>>): CancellationRecord {
    const text = (name: string): string => {
        const value = getText(entity, name);
        if (value === undefined) throw new Error(`cancellation entity ${String(entity.rowKey)} has no ${name}`);
        return value;
    };
    const optionalString = (name: string): string | undefined => {
        const value = entity[name];
        return typeof value === 'string' ? value : undefined;
    };
    const lastError = optionalString('lastError');
    const history = getText(entity, 'history');
    const record: CancellationRecord = {
        id: text('id'),
        tenantId: text('tenantId'),
        kind: text('kind') as CancellationKind,
        origin: optionalString('origin') as CancellationOrigin | undefined,
        state: text('state') as CancellationState,
        createdAt: text('createdAt'),
        updatedAt: text('updatedAt'),
        actor: JSON.parse(text('actor')) as Actor,
        resource: JSON.parse(text('resource')) as CancelledResource,
        comment: getText(entity, 'comment'),
        cancellationMessage: getText(entity, 'cancellationMessage'),
        audience: JSON.parse(text('audience')) as Recipient[],
        graphRequestIds: JSON.parse(text('graphRequestIds')) as string[],
        attempts: typeof entity.attempts === 'number' ? entity.attempts : 0,
        history: history === undefined ? undefined : (JSON.parse(history) as CancelAttempt[]),
        lastError: lastError === undefined ? undefined : (JSON.parse(lastError) as RecordedError),
        notificationPending: entity.notificationPending === true,
        nextCheckAt: optionalString('nextCheckAt'),
        lastFinding: optionalString('lastFinding') as ItemFinding | undefined,
    };
    return stripUndefined(record);
}

function stripUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
