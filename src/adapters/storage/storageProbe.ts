import { TableServiceClient } from '@azure/data-tables';
import type { HealthProbe } from '../../health/checkHealth';

/** Storage is up when the Table service answers a one-item listing. */
export function storageProbe(connectionString: string): HealthProbe {
    const client = TableServiceClient.fromConnectionString(connectionString, {
        allowInsecureConnection:
            connectionString.includes('UseDevelopmentStorage=true') || /=http:/i.test(connectionString),
        retryOptions: { maxRetries: 0 },
    });
    return {
        name: 'storage',
        async check(signal) {
            await client.listTables().byPage({ maxPageSize: 1 }).next();
            signal.throwIfAborted();
        },
    };
}
