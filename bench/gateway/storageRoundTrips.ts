import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What one Storage request is for, as the bench names it: the round trips a cancel makes, each with the guarantee
 * that needs it (README "Guarantees"), and the rest by method and resource.
 */
export function storageRequestPurpose(service: 'table' | 'queue', method: string, path: string, body: string): string {
    const resource = decodeURIComponent(path.split('?')[0] ?? '').replace(/^\/[^/]+\//, '');
    if (service === 'queue') {
        const queue = resource.split('/')[0] ?? '';
        if (queue === 'notifications' && method === 'POST') return 'queue the notification (outbox)';
        return `queue ${method} ${queue}${resource.includes('/messages/') ? ' message' : ''}`;
    }
    const table = resource.replace(/\(.*$/, '');
    if (resource.startsWith('cancellations(') && method === 'GET') return 'read the existing record (idempotency)';
    if (table === '$batch' && body.includes('"entityType":"record"')) {
        if (body.includes('"state":"pending"') && body.includes('"entityType":"resourceIndex"')) {
            return 'write record + pointer before Graph (no lost cancellation, one cancel per item)';
        }
        if (body.includes('"notificationPending":true')) {
            return 'save outcome + notification flag before the answer (a 202 is on record, outbox)';
        }
        return 'clear the notification flag (outbox)';
    }
    if (resource.startsWith('cancellations(') && (method === 'PUT' || method === 'MERGE')) {
        return body.includes('"notificationPending":false')
            ? 'clear the notification flag (outbox)'
            : `table ${method} cancellations record`;
    }
    const shape = resource.endsWith('()') ? ' query' : resource.includes('(') ? ' entity' : '';
    return `table ${method} ${table}${shape}`;
}

/** A loopback HTTP proxy in front of one Azurite service that counts the requests through it by purpose. */
export interface CountingProxy {
    readonly port: number;
    /** Requests by purpose since the proxy started. */
    counts(): ReadonlyMap<string, number>;
    close(): Promise<void>;
}

export async function startCountingProxy(service: 'table' | 'queue', targetPort: number): Promise<CountingProxy> {
    const counts = new Map<string, number>();
    const agent = new http.Agent({ keepAlive: true });
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const body = Buffer.concat(chunks);
            const method = req.method ?? 'GET';
            const purpose = storageRequestPurpose(service, method, req.url ?? '/', body.toString('utf8'));
            counts.set(purpose, (counts.get(purpose) ?? 0) + 1);
            const upstream = http.request(
                { host: '127.0.0.1', port: targetPort, method, path: req.url, headers: req.headers, agent },
                (answer) => {
                    res.writeHead(answer.statusCode ?? 502, answer.headers);
                    answer.pipe(res);
                },
            );
            upstream.on('error', () => {
                if (!res.headersSent) res.writeHead(502);
                res.end();
            });
            upstream.end(body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
        port: (server.address() as AddressInfo).port,
        counts: () => new Map(counts),
        close: () =>
            new Promise<void>((resolve) => {
                agent.destroy();
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

/** Requests by purpose between two `counts()` of the same proxies, per cancel, most frequent first. */
export function roundTripsPerCancel(
    before: ReadonlyMap<string, number>,
    after: ReadonlyMap<string, number>,
    cancels: number,
): [purpose: string, perCancel: number][] {
    return [...after]
        .map(([purpose, count]): [string, number] => [purpose, (count - (before.get(purpose) ?? 0)) / cancels])
        .filter(([, perCancel]) => perCancel > 0)
        .sort((a, b) => b[1] - a[1]);
}
