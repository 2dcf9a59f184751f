import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { FeedSubscriptionStore, SubscriptionSecret, WatchedMailbox } from '../../domain/feed/ports';
import { ConcurrencyConflict, type Stored } from '../../domain/shared/stored';
import { type Entity, etagOfEntity, high, readRange } from './keyRange';
import { EnsuredTable, getEntityOrNull, statusOf } from './tableClients';
import { escapeKeyPart, odataString } from './tableKeys';

export const graphSubscriptionsTable = 'graphsubscriptions';

/** One partition: a tenant watches at most some tens of thousands of mailboxes, and every change is a transaction. */
const partition = 'feed';
/** Listing stops here: far above any tenant's mailbox count, and it bounds memory. */
const maxMailboxes = 200_000;

const mailboxRow = (mailbox: string) => `m_${escapeKeyPart(mailbox.toLowerCase())}`;
const subscriptionRow = (subscriptionId: string) => `s_${escapeKeyPart(subscriptionId)}`;

/**
 * {@link FeedSubscriptionStore} on Azure Table Storage (table `graphsubscriptions`), one partition:
 *
 * - a watched mailbox: RowKey `m_<mailbox>`, the row as JSON (`row`) plus `state` and `subscriptionId`;
 * - its subscription's index: RowKey `s_<subscription id>` with `mailbox` and `clientState`, what the notification
 *   endpoint reads for each item. It changes with the mailbox row in one entity-group transaction.
 *
 * The `clientState` secrets sit in the table like the webhook signing secrets do; they are never logged.
 */
export class TableGraphSubscriptionStore implements FeedSubscriptionStore {
    private readonly table: EnsuredTable;

    constructor(client: TableClient) {
        this.table = new EnsuredTable(client);
    }

    async listMailboxes(): Promise<readonly Stored<WatchedMailbox>[]> {
        const client = await this.table.get();
        const filter = `PartitionKey eq '${partition}' and RowKey ge 'm_' and RowKey le ${odataString(`m_${high}`)}`;
        return (await readRange(client, filter, maxMailboxes)).map(stored);
    }

    async getMailbox(mailbox: string): Promise<Stored<WatchedMailbox> | null> {
        const client = await this.table.get();
        const entity = await getEntityOrNull(client, partition, mailboxRow(mailbox));
        return entity ? stored(entity) : null;
    }

    async saveMailbox(
        row: WatchedMailbox,
        etag: string | undefined,
        previousSubscriptionId?: string,
    ): Promise<Stored<WatchedMailbox>> {
        const client = await this.table.get();
        const entity = {
            partitionKey: partition,
            rowKey: mailboxRow(row.mailbox),
            row: JSON.stringify(row),
            state: row.state,
            subscriptionId: row.subscriptionId ?? '',
        };
        const actions: TransactionAction[] = [
            etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag }],
        ];
        if (previousSubscriptionId !== undefined) {
            actions.push(['delete', { partitionKey: partition, rowKey: subscriptionRow(previousSubscriptionId) }]);
        }
        if (row.subscriptionId !== undefined && row.clientState !== undefined) {
            actions.push([
                'upsert',
                {
                    partitionKey: partition,
                    rowKey: subscriptionRow(row.subscriptionId),
                    mailbox: row.mailbox,
                    clientState: row.clientState,
                },
                'Replace',
            ]);
        }
        try {
            const response = await client.submitTransaction(actions);
            const written = response.subResponses[0]?.etag;
            if (written) return { value: row, etag: written };
        } catch (error) {
            // 409: created by another pass first; 412: changed since read; 404: the index row already went.
            const status = statusOf(error);
            if (status === 409 || status === 412 || status === 404) {
                throw new ConcurrencyConflict('graphSubscription', row.mailbox);
            }
            throw error;
        }
        const read = await this.getMailbox(row.mailbox);
        if (read === null) throw new ConcurrencyConflict('graphSubscription', row.mailbox);
        return read;
    }

    async removeMailbox(row: Stored<WatchedMailbox>): Promise<void> {
        const client = await this.table.get();
        // A transaction's delete cannot carry an ETag: the mailbox row goes first, conditionally, then its index row.
        try {
            await client.deleteEntity(partition, mailboxRow(row.value.mailbox), { etag: row.etag });
        } catch (error) {
            const status = statusOf(error);
            if (status === 412 || status === 404) throw new ConcurrencyConflict('graphSubscription', row.value.mailbox);
            throw error;
        }
        const { subscriptionId } = row.value;
        if (subscriptionId === undefined) return;
        try {
            await client.deleteEntity(partition, subscriptionRow(subscriptionId));
        } catch (error) {
            if (statusOf(error) !== 404) throw error;
        }
    }

    async findSubscription(subscriptionId: string): Promise<SubscriptionSecret | null> {
        const client = await this.table.get();
        const entity = await getEntityOrNull(client, partition, subscriptionRow(subscriptionId));
        if (entity === null) return null;
        const { mailbox, clientState } = entity;
        return typeof mailbox === 'string' && typeof clientState === 'string' ? { mailbox, clientState } : null;
    }
}

function stored(entity: Entity): Stored<WatchedMailbox> {
    return { value: JSON.parse(String(entity.row)) as WatchedMailbox, etag: etagOfEntity(entity) };
}
