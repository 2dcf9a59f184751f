import type { TableClient, TableEntity, TransactionAction } from '@azure/data-tables';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import type { CancellationStore } from '../../src/domain/cancellation/store';

/** Tenant of the table part (one partition, as in production: one per tenant). */
export const benchTenantId = 'dc0ffee0-7e4a-4c6b-9d2f-0000000be7c0';
/** The pass's "now": due records are scheduled before it; history records have no check scheduled at all. */
export const benchNow = '2026-03-01T12:00:00.000Z';
const origin = Date.parse('2026-01-01T00:00:00.000Z');
const minute = 60_000;

/** A record shaped like one the cancel path writes: an event in one of 50 mailboxes, three attendees, one request id. */
function record(id: string, index: number, overrides: Partial<CancellationRecord>): CancellationRecord {
    const mailbox = `bench${index % 50}@contoso.test`;
    const eventId = `AAMkADbench-${id}=`;
    const createdAt = new Date(origin + index * minute).toISOString();
    return {
        id,
        tenantId: benchTenantId,
        kind: 'event',
        state: 'accepted',
        createdAt,
        updatedAt: createdAt,
        actor: {
            kind: 'user',
            objectId: `a11ce000-0000-4000-8000-${String(index % 200).padStart(12, '0')}`,
            userPrincipalName: `caller${index % 200}@contoso.test`,
            appId: 'ca9ce1a7-0000-4000-8000-0000000000c3',
        },
        resource: {
            version: 'v1.0',
            graphPath: `/users/${encodeURIComponent(mailbox)}/events/${encodeURIComponent(eventId)}`,
            resourceKey: `mailbox-${mailbox}/${eventId}`,
            mailbox,
            eventId,
            eventType: 'singleInstance',
            iCalUId: `040000008200E00074C5B7101A82E008000000000${id}`,
            subject: `Weekly sync ${index}`,
            start: new Date(origin + index * minute + 30 * 86_400_000).toISOString(),
            end: new Date(origin + index * minute + 30 * 86_400_000 + 30 * minute).toISOString(),
        },
        comment: 'Cancelled: the organiser left.',
        audience: [
            { name: 'Alice Adams', address: 'alice@contoso.test', type: 'required', response: 'accepted' },
            { name: 'Bob Brown', address: 'bob@contoso.test', type: 'required', response: 'none' },
            { name: 'Room 1', address: 'room1@contoso.test', type: 'resource', response: 'accepted' },
        ],
        graphRequestIds: [`0b5e0000-0000-4000-8000-${String(index).padStart(12, '0')}`],
        attempts: 1,
        notificationPending: false,
        ...overrides,
    };
}

/** `count` accepted records due at one-minute steps before {@link benchNow}, oldest first. */
export function dueRecords(count: number): CancellationRecord[] {
    return Array.from({ length: count }, (_, i) =>
        record(`due-${i}`, i, { nextCheckAt: new Date(Date.parse(benchNow) - (count - i) * minute).toISOString() }),
    );
}

/** History record `i`: verified, nothing scheduled (no `nextCheckAt`, so no due index row). */
export function historyRecord(i: number): CancellationRecord {
    return record(`hist-${i}`, 1_000 + i, { state: 'verified', attempts: 1 });
}

/** Runs `work` over `0..total-1` with at most `concurrency` at once. */
export async function forEachIndex(
    total: number,
    concurrency: number,
    work: (index: number) => Promise<unknown>,
): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < total) await work(next++);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** The id of the history record the store writes itself; the others are copies of its record row. */
const templateId = 'hist-template';

/**
 * The row the store wrote for the template record: the only row of the partition that names it in both its key and
 * its `id` property (its index rows name it in their key only, and carry no `id`).
 */
async function templateRow(client: TableClient): Promise<TableEntity<Record<string, unknown>>> {
    for await (const row of client.listEntities<Record<string, unknown>>()) {
        const { etag: _etag, timestamp: _timestamp, partitionKey, rowKey, ...properties } = row;
        if (partitionKey !== undefined && rowKey?.includes(templateId) === true && properties.id === templateId) {
            // The SDK's own properties (`etag`, `timestamp`) are not written back.
            return { ...properties, partitionKey, rowKey };
        }
    }
    throw new Error('the store wrote no record row for the template history record');
}

/**
 * Writes `total` history records, 100 per entity-group transaction: one through the store (`create`, as the app
 * writes a record), then copies of the record row it wrote with the id changed. Their index rows (`all_`,
 * `byActor_`, `byState_`, `byActorState_`) and item pointers are left out: none of them is in the due range either,
 * and writing them would make seeding 6x slower on Azurite. `listDue` must return the due records only either way.
 */
export async function seedHistory(
    store: CancellationStore,
    client: TableClient,
    total: number,
    onProgress: (written: number) => void,
): Promise<void> {
    if (total === 0) return;
    await store.create({ ...historyRecord(0), id: templateId });
    const template = await templateRow(client);
    const copy = (id: string) => ({ ...template, rowKey: template.rowKey.replace(templateId, id), id });
    const perTransaction = 100;
    const transactions = Math.ceil((total - 1) / perTransaction);
    let written = 1;
    onProgress(written);
    await forEachIndex(transactions, 8, async (t) => {
        const actions: TransactionAction[] = [];
        for (let i = 1 + t * perTransaction; i < Math.min(total, 1 + (t + 1) * perTransaction); i++) {
            actions.push(['create', copy(`hist-${i}`)]);
        }
        await client.submitTransaction(actions);
        written += actions.length;
        onProgress(written);
    });
}
