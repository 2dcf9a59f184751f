import { RestError, TableClient, type TableEntityResult } from '@azure/data-tables';

/**
 * Whether a storage connection string points at plain http (Azurite, `UseDevelopmentStorage=true`): the Tables SDK
 * refuses http unless told to allow it.
 */
export function isInsecureStorageConnection(connectionString: string): boolean {
    return connectionString.includes('UseDevelopmentStorage=true') || /=http:/i.test(connectionString);
}

/** A TableClient for one table from a storage connection string; http is allowed only for local endpoints. */
export function createTableClient(connectionString: string, tableName: string): TableClient {
    return TableClient.fromConnectionString(connectionString, tableName, {
        allowInsecureConnection: isInsecureStorageConnection(connectionString),
    });
}

/**
 * Creates the client's table on first use and remembers it: every caller waits on the same promise. A failure is
 * not cached, so the next call tries again. "Already exists" counts as success (the SDK tolerates 409 itself).
 */
export class EnsuredTable {
    private ready: Promise<TableClient> | undefined;

    constructor(readonly client: TableClient) {}

    get(): Promise<TableClient> {
        this.ready ??= this.client.createTable().then(
            () => this.client,
            (error: unknown) => {
                if (statusOf(error) === 409) return this.client;
                this.ready = undefined;
                throw error;
            },
        );
        return this.ready;
    }
}

/** HTTP status of a storage error, if it carries one. */
export function statusOf(error: unknown): number | undefined {
    if (error instanceof RestError) return error.statusCode;
    if (typeof error === 'object' && error !== null && 'statusCode' in error) {
        const status = (error as { statusCode?: unknown }).statusCode;
        return typeof status === 'number' ? status : undefined;
    }
    return undefined;
}

/** A point read that answers `null` for a missing entity. */
export async function getEntityOrNull(
    client: TableClient,
    partitionKey: string,
    rowKey: string,
): Promise<TableEntityResult<Record<string, unknown>> | null> {
    try {
        return await client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
    } catch (error) {
        if (statusOf(error) === 404) return null;
        throw error;
    }
}
