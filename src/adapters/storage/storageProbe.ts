import type { TableServiceClient } from '@azure/data-tables';
import type { HealthProbe } from '../../health/checkHealth';

/** Storage is up when the Table service answers a one-item listing. */
export function storageProbe(client: TableServiceClient): HealthProbe {
    return {
        name: 'storage',
        async check(signal) {
            await client.listTables().byPage({ maxPageSize: 1 }).next();
            signal.throwIfAborted();
        },
    };
}
