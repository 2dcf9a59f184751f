import type { TableClient, TransactionAction } from '@azure/data-tables';
import { type BookingSnapshot, bookingSnapshotSchema } from '../../domain/feed/bookingSnapshot';
import type { BookingSnapshotStore } from '../../domain/feed/bookingsPoll';
import { getText, putText } from './entityText';
import { EnsuredTable } from './tableClients';
import { escapeKeyPart, odataString } from './tableKeys';

/** Entity-group transactions take at most 100 operations. */
const maxBatch = 100;

/**
 * {@link BookingSnapshotStore} on Azure Table Storage (`bookingsnapshots`): one partition per tenant and business
 * (`t_<tenant>_b_<business>`), one row per appointment (RowKey: its escaped id) with its start and the snapshot JSON.
 */
export class TableBookingSnapshotStore implements BookingSnapshotStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async list(tenantId: string, businessId: string): Promise<readonly BookingSnapshot[]> {
        const client = await this.table.get();
        const filter = `PartitionKey eq ${odataString(partitionOf(tenantId, businessId))}`;
        const rows: BookingSnapshot[] = [];
        for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
            const parsed = bookingSnapshotSchema.safeParse(JSON.parse(getText(entity, 'snapshot') ?? 'null'));
            // A row that no longer reads (an older shape) is dropped from the comparison and rewritten next tick.
            if (parsed.success) rows.push(parsed.data);
        }
        return rows;
    }

    async replace(
        tenantId: string,
        businessId: string,
        changed: readonly BookingSnapshot[],
        goneIds: readonly string[],
    ): Promise<void> {
        const client = await this.table.get();
        const partitionKey = partitionOf(tenantId, businessId);
        const actions: TransactionAction[] = [
            ...changed.map((appointment): TransactionAction => {
                const entity: Record<string, unknown> = {
                    partitionKey,
                    rowKey: escapeKeyPart(appointment.id),
                    start: appointment.start,
                };
                putText(entity, 'snapshot', JSON.stringify(appointment));
                return ['upsert', entity as { partitionKey: string; rowKey: string }, 'Replace'];
            }),
            ...goneIds.map((id): TransactionAction => ['delete', { partitionKey, rowKey: escapeKeyPart(id) }]),
        ];
        for (let at = 0; at < actions.length; at += maxBatch) {
            await client.submitTransaction(actions.slice(at, at + maxBatch));
        }
    }
}

function partitionOf(tenantId: string, businessId: string): string {
    return `t_${escapeKeyPart(tenantId)}_b_${escapeKeyPart(businessId.toLowerCase())}`;
}
