import type { TableClient } from '@azure/data-tables';

/** Entities the Table service returned to one client: rows of queries plus point reads (the store's tests use it too). */
export interface ReadCounter {
    entities: number;
    requests: number;
    reset(): void;
}

export function countReads(client: TableClient): ReadCounter {
    const counter: ReadCounter = {
        entities: 0,
        requests: 0,
        reset() {
            counter.entities = 0;
            counter.requests = 0;
        },
    };
    client.pipeline.addPolicy({
        name: 'countEntityReads',
        async sendRequest(request, next) {
            const response = await next(request);
            if (request.method === 'GET' && response.status === 200 && response.bodyAsText) {
                counter.requests += 1;
                const body = JSON.parse(response.bodyAsText) as { value?: unknown[]; PartitionKey?: string };
                if (Array.isArray(body.value)) counter.entities += body.value.length;
                else if (body.PartitionKey !== undefined) counter.entities += 1;
            }
            return response;
        },
    });
    return counter;
}
