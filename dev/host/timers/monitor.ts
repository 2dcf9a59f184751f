import { TableClient } from '@azure/data-tables';

/** Persisted status of a timer, as the host's ScheduleMonitor keeps it. */
export interface ScheduleStatus {
    last: Date;
    next: Date;
    lastUpdated: Date;
}

export interface ScheduleMonitor {
    get(timerName: string): Promise<ScheduleStatus | undefined>;
    put(timerName: string, status: ScheduleStatus): Promise<void>;
}

interface StatusEntity {
    last: string;
    next: string;
    lastUpdated: string;
}

/** The host's own table of timer schedule status (not the app's data). */
export const scheduleStatusTable = 'AzureWebJobsHostTimers';

/**
 * Keeps timer schedule status in the storage account (`AzureWebJobsStorage`), one row per host id
 * and function, in table `AzureWebJobsHostTimers` (the real host uses blobs under
 * `azure-webjobs-hosts/timers/{hostId}/…`).
 */
export class TableScheduleMonitor implements ScheduleMonitor {
    readonly #client: TableClient;
    #ready: Promise<void> | undefined;

    constructor(
        connectionString: string,
        private readonly hostId: string,
    ) {
        this.#client = TableClient.fromConnectionString(connectionString, scheduleStatusTable, {
            allowInsecureConnection: /^DefaultEndpointsProtocol=http;|=http:\/\//i.test(connectionString),
        });
    }

    #ensure(): Promise<void> {
        this.#ready ??= this.#client.createTable();
        return this.#ready;
    }

    async get(timerName: string): Promise<ScheduleStatus | undefined> {
        await this.#ensure();
        try {
            const entity = await this.#client.getEntity<StatusEntity>(this.hostId, timerName);
            return {
                last: new Date(entity.last),
                next: new Date(entity.next),
                lastUpdated: new Date(entity.lastUpdated),
            };
        } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) return undefined;
            throw error;
        }
    }

    async put(timerName: string, status: ScheduleStatus): Promise<void> {
        await this.#ensure();
        await this.#client.upsertEntity<StatusEntity>(
            {
                partitionKey: this.hostId,
                rowKey: timerName,
                last: status.last.toISOString(),
                next: status.next.toISOString(),
                lastUpdated: status.lastUpdated.toISOString(),
            },
            'Replace',
        );
    }
}
