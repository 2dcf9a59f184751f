import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Random } from './random';

/** One delivery the receiver accepted (2xx) after verifying its signature. */
export interface AcceptedDelivery {
    readonly subscription: string;
    readonly webhookId: string;
    readonly type: string;
    readonly cancellationId: string;
}

export interface ChaosReceiver {
    /** Where subscription `name` posts: `http://127.0.0.1:<port>/hooks/<name>`. */
    urlFor(name: string): string;
    /** Verifies deliveries to `name` with this secret from now on. */
    trust(name: string, secret: string): void;
    readonly accepted: readonly AcceptedDelivery[];
    /** Deliveries answered 500 on purpose. */
    readonly failedOnPurpose: number;
    /** Deliveries whose signature did not verify (or that came for an unknown subscription). */
    readonly rejected: readonly string[];
    close(): Promise<void>;
}

/**
 * A webhook endpoint for several subscriptions (one path each). Every delivery is verified with the `standardwebhooks`
 * library first, as a real receiver would; then a seeded share is answered 500 so the gateway must retry.
 */
export async function startChaosReceiver(failRate: number, random: Random): Promise<ChaosReceiver> {
    const verifiers = new Map<string, Webhook>();
    const accepted: AcceptedDelivery[] = [];
    const rejected: string[] = [];
    let failedOnPurpose = 0;

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const name = /^\/hooks\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
            const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
            const webhookId = headers['webhook-id'] ?? '';
            let payload: { type: string; data: { cancellationId: string } };
            try {
                const verifier = verifiers.get(name);
                if (!verifier) throw new Error(`no secret for subscription '${name}'`);
                payload = verifier.verify(Buffer.concat(chunks).toString('utf8'), headers) as typeof payload;
            } catch (error) {
                rejected.push(`${name} ${webhookId}: ${(error as Error).message}`);
                return void res.writeHead(401).end();
            }
            if (random.chance(failRate)) {
                failedOnPurpose++;
                return void res.writeHead(500).end();
            }
            accepted.push({
                subscription: name,
                webhookId,
                type: payload.type,
                cancellationId: payload.data.cancellationId,
            });
            res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        urlFor: (name) => `http://127.0.0.1:${port}/hooks/${name}`,
        trust: (name, secret) => verifiers.set(name, new Webhook(secret)),
        accepted,
        get failedOnPurpose() {
            return failedOnPurpose;
        },
        rejected,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
