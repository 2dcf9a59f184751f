import { TableClient, TableServiceClient } from '@azure/data-tables';
import { ManagedIdentityCredential } from '@azure/identity';
import { QueueClient } from '@azure/storage-queue';
import type { StorageSettings } from '../../config/config';
import { createTableClient, isInsecureStorageConnection } from '../tables/tableClients';

/** Clients for the app's storage account, from a connection string or through the managed identity. */
export interface StorageClients {
    table(name: string): TableClient;
    tableService(): TableServiceClient;
    queue(name: string): QueueClient;
}

export function storageClients(storage: StorageSettings): StorageClients {
    if (storage.kind === 'connectionString') {
        const cs = storage.connectionString;
        return {
            table: (name) => createTableClient(cs, name),
            tableService: () =>
                TableServiceClient.fromConnectionString(cs, {
                    allowInsecureConnection: isInsecureStorageConnection(cs),
                    retryOptions: { maxRetries: 0 },
                }),
            queue: (name) => new QueueClient(cs, name),
        };
    }
    const credential = new ManagedIdentityCredential(storage.clientId ? { clientId: storage.clientId } : {});
    const queueBase = storage.queueServiceUri.replace(/\/+$/, '');
    return {
        table: (name) => new TableClient(storage.tableServiceUri, name, credential),
        tableService: () =>
            new TableServiceClient(storage.tableServiceUri, credential, { retryOptions: { maxRetries: 0 } }),
        queue: (name) => new QueueClient(`${queueBase}/${name}`, credential),
    };
}
