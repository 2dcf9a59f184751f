import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
    headers: Record<string, string>;
    body: string;
}

export interface WebhookReceiver {
    /** `http://127.0.0.1:<port>/hook`: loopback http, which the development stack accepts. */
    readonly url: string;
    readonly received: ReceivedWebhook[];
    close(): Promise<void>;
}

/** A webhook endpoint on loopback that records what it receives and answers from a script (the nth request → status). */
export async function webhookReceiver(answer: (n: number) => number = () => 204): Promise<WebhookReceiver> {
    const received: ReceivedWebhook[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            received.push({
                headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
                body: Buffer.concat(chunks).toString('utf8'),
            });
            res.writeHead(answer(received.length)).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
