import { TableServiceClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';

/** Tables a cancel writes to (the rest stay as they are: subscriptions, timer state). */
const growingTables = ['cancellations', 'deliveries', 'idempotency'];
const quietPollMs = 200;
const quietTimeoutMs = 60_000;

/**
 * Empties the tables cancels fill, once the host has finished the notifications of the last ones. Azurite's in-memory
 * tables get slower with every entity (a point read scans), so a long memory run would measure Azurite, not the host;
 * Storage does not slow down that way. Call it only while no load runs.
 */
export async function emptyGrowingTables(connectionString: string): Promise<void> {
    const notifications = new QueueClient(connectionString, 'notifications');
    const deadline = Date.now() + quietTimeoutMs;
    while ((await notifications.getProperties()).approximateMessagesCount !== 0) {
        if (Date.now() > deadline) throw new Error('the notifications queue did not drain within 60 s');
        await new Promise((resolve) => setTimeout(resolve, quietPollMs));
    }
    // A message being fanned out is invisible, not gone: give the last ones time to finish.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
    for (const table of growingTables) {
        await service.deleteTable(table);
        await service.createTable(table);
    }
}
