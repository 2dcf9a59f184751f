import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Webhook } from 'standardwebhooks';

/** How an endpoint answers: 204 at once, never (until the sender gives up), or 503 at once. */
export type Behaviour = 'healthy' | 'hanging' | 'unavailable';

/** A webhook endpoint on loopback, in the bench process so its receipt times share the clock of the cancels. */
export interface Receiver {
    readonly behaviour: Behaviour;
    readonly url: string;
    /** Deliveries whose signature verified, repeats included. */
    readonly verified: () => number;
    /** Deliveries whose signature did not verify (or came before the secret was known). */
    readonly rejected: () => number;
    /** First receipt time (performance.now()) per meeting id, for the healthy endpoint. */
    readonly receipts: ReadonlyMap<string, number>;
    /** The subscription's signing secret, known once the gateway created the subscription. */
    useSecret(secret: string): void;
    close(): Promise<void>;
}

interface Payload {
    readonly data?: { readonly resource?: { readonly eventId?: string } };
}

export async function startReceiver(behaviour: Behaviour): Promise<Receiver> {
    let verifier: Webhook | undefined;
    let verified = 0;
    let rejected = 0;
    const receipts = new Map<string, number>();
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const receivedAt = performance.now();
            const body = Buffer.concat(chunks).toString('utf8');
            const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
            let payload: Payload;
            try {
                if (!verifier) throw new Error('no secret yet');
                payload = verifier.verify(body, headers) as Payload;
            } catch {
                rejected++;
                res.writeHead(401).end();
                return;
            }
            verified++;
            if (behaviour === 'unavailable') return void res.writeHead(503).end();
            // Hanging: no answer; the gateway's sender times out and closes the connection.
            if (behaviour === 'hanging') return;
            const eventId = payload.data?.resource?.eventId;
            if (eventId !== undefined && !receipts.has(eventId)) receipts.set(eventId, receivedAt);
            res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
        behaviour,
        url: `http://127.0.0.1:${port}/${behaviour}`,
        verified: () => verified,
        rejected: () => rejected,
        receipts,
        useSecret: (secret) => (verifier = new Webhook(secret)),
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
