import * as http from 'node:http';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { scheduleStatusTable } from '../../dev/host/timers/monitor';

/**
 * Requests sent through node:http so paths, duplicate headers and body bytes reach the gateway exactly as built
 * (fetch would normalize the path, merge duplicate headers and refuse some of them).
 */
export interface RawRequest {
    readonly method: string;
    /** Exactly what goes on the request line (already percent-encoded where needed). */
    readonly path: string;
    /** A value outside ASCII must be given as its bytes in a latin1 string: node:http writes header values as latin1. */
    readonly headers: Readonly<Record<string, string | string[]>>;
    readonly body?: Buffer | undefined;
}

export interface RawResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly text: string;
}

export function send(baseUrl: string, request: RawRequest): Promise<RawResponse> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
        let answered = false;
        const req = http.request(
            {
                host: hostname,
                port,
                method: request.method,
                path: request.path,
                headers: {
                    ...request.headers,
                    // With `Transfer-Encoding: chunked` node:http frames the body itself; both would be refused by Node.
                    ...(request.body === undefined || 'Transfer-Encoding' in request.headers
                        ? {}
                        : { 'Content-Length': String(request.body.length) }),
                },
                agent: false,
            },
            (res) => {
                answered = true;
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () =>
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        text: Buffer.concat(chunks).toString('utf8'),
                    }),
                );
                res.on('error', reject);
            },
        );
        req.setTimeout(20_000, () => req.destroy(new Error(`timed out: ${request.method} ${request.path}`)));
        req.on('error', (error: NodeJS.ErrnoException) => {
            // A server may answer before it has read the whole body and then stop reading (RFC 9112 §9.6): once the
            // answer is in, a failed write of the rest is not the outcome; the answer (or its own error) is.
            if (answered && (error.code === 'EPIPE' || error.code === 'ECONNRESET')) return;
            reject(error);
        });
        req.end(request.body);
    });
}

/** What is wrong with an error response by Graph's envelope (docs/graph.md §4); empty when nothing is. */
export function envelopeProblems(response: RawResponse): string[] {
    const problems: string[] = [];
    let envelope: unknown;
    try {
        envelope = JSON.parse(response.text);
    } catch {
        problems.push('error body is not JSON');
    }
    const error = (envelope as { error?: Record<string, unknown> } | undefined)?.error;
    const innerError = error?.innerError as Record<string, unknown> | undefined;
    if (typeof error?.code !== 'string' || error.code === '') problems.push('no error.code');
    if (typeof error?.message !== 'string' || error.message === '') problems.push('no error.message');
    if (typeof innerError?.['request-id'] !== 'string' || innerError['request-id'] === '') {
        problems.push("no error.innerError['request-id']");
    }
    if (!String(response.headers['content-type']).startsWith('application/json')) {
        problems.push(`error content-type ${String(response.headers['content-type'])}`);
    }
    return problems;
}

/** Entities in one table of the stack's Azurite (0 when the table does not exist yet). */
export async function countEntities(connectionString: string, tableName: string): Promise<number> {
    const table = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
    let count = 0;
    try {
        for await (const _entity of table.listEntities()) count++;
    } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return 0;
        throw error;
    }
    return count;
}

/**
 * `table: entities` for every non-empty table of the stack's Azurite that holds the app's data: the local host's own
 * timer status is left out, since a timer may fire (and record its next run) at any moment of a test.
 */
export async function nonEmptyTables(connectionString: string): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
    for await (const table of service.listTables()) {
        if (!table.name || table.name === scheduleStatusTable) continue;
        const count = await countEntities(connectionString, table.name);
        if (count > 0) result[table.name] = count;
    }
    return result;
}
