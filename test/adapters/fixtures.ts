import { randomUUID } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import {
    indexEntities,
    partitionKeyOf,
    resourceIndexEntity,
    toEntity,
} from '../../src/adapters/tables/cancellationEntity';
import type { CancellationRecord } from '../../src/domain/cancellation/record';

/** A table or queue name unique to one test file run: letters and digits, starting with a letter. */
export function uniqueName(prefix: string): string {
    return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

// The read counter is the one the reconcile benchmark uses, so tests and bench count the same way.
export { countReads, type ReadCounter } from '../../bench/reconcile/tableReads';

export function sampleRecord(overrides: Partial<CancellationRecord> = {}): CancellationRecord {
    const id = overrides.id ?? randomUUID();
    return {
        id,
        tenantId: '11111111-2222-3333-4444-555555555555',
        kind: 'event',
        state: 'pending',
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
        actor: { kind: 'user', objectId: 'aaaaaaaa-0000-0000-0000-000000000001', appId: 'app-1' },
        resource: {
            version: 'v1.0',
            graphPath: `/users/u1/events/${id}`,
            resourceKey: `mailbox-u1/${id}`,
            mailbox: 'u1',
            eventId: id,
        },
        audience: [],
        graphRequestIds: [],
        attempts: 0,
        notificationPending: false,
        ...overrides,
    };
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function forEachLimited<T>(
    items: readonly T[],
    concurrency: number,
    work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const index = next++;
            await work(items[index] as T, index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** ISO instant `minutes` after a fixed origin (2026-03-01T00:00Z). */
export function at(minutes: number): string {
    return new Date(Date.UTC(2026, 2, 1) + minutes * 60_000).toISOString();
}

/** Writes records exactly as `create` does (record, indexes, resource pointer), many per transaction. */
export async function bulkWrite(client: TableClient, records: readonly CancellationRecord[]): Promise<void> {
    const byPartition = new Map<string, TransactionAction[][]>();
    for (const record of records) {
        const actions: TransactionAction[] = [
            ['create', toEntity(record)],
            ...indexEntities(record).map((row): TransactionAction => ['create', row]),
            ['upsert', resourceIndexEntity(record), 'Replace'],
        ];
        const batches = byPartition.get(partitionKeyOf(record.tenantId)) ?? [[]];
        byPartition.set(partitionKeyOf(record.tenantId), batches);
        if ((batches[batches.length - 1]?.length ?? 0) + actions.length > 100) batches.push([]);
        batches[batches.length - 1]?.push(...actions);
    }
    const batches = [...byPartition.values()].flat();
    await forEachLimited(batches, 4, (actions) => client.submitTransaction(actions));
}
