import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { mintToken } from '../identity/mintToken';

const usage = `Demo webhook receiver: subscribes to the local gateway, then verifies and prints every delivery.

  npm run receiver [-- --port 7073] [--gateway http://127.0.0.1:7071] [--events event.cancelled,bookingAppointment.cancelled]
  npm run receiver -- --secret whsec_… --no-subscribe      (verify deliveries of an existing subscription)
  npm run receiver -- --fail-rate 0.3                      (answer 500 to that share of deliveries, to watch retries)
`;

const allEvents = [
    'event.cancelled',
    'bookingAppointment.cancelled',
    'cancellation.verified',
    'cancellation.drifted',
    'cancellation.failed',
];
/**
 * The demo app the sample tenant policy knows. With the `Cancellations.Admin` app role its subscription is tenant-wide
 * (every cancellation, whoever made it); with `Subscriptions.ReadWrite.All` alone it would receive only the app's own.
 */
const demoAppId = 'ca9ce1a7-0000-4000-8000-0000000000d4';

async function subscribe(gateway: string, url: string, events: string[]): Promise<{ id: string; secret: string }> {
    const token = mintToken({ app: demoAppId, roles: ['Subscriptions.ReadWrite.All', 'Cancellations.Admin'] });
    const response = await fetch(`${gateway}/api/subscriptions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ notificationUrl: url, eventTypes: events, description: 'npm run receiver' }),
    });
    const body = (await response.json()) as { id?: string; secret?: string; error?: { message?: string } };
    if (response.status !== 201 || !body.id || !body.secret) {
        throw new Error(`subscription refused (${response.status}): ${body.error?.message ?? 'no details'}`);
    }
    return { id: body.id, secret: body.secret };
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            port: { type: 'string', default: process.env.RECEIVER_PORT ?? '7073' },
            gateway: { type: 'string', default: `http://127.0.0.1:${process.env.FUNCTIONS_HTTP_PORT ?? '7071'}` },
            events: { type: 'string', default: allEvents.join(',') },
            secret: { type: 'string' },
            'no-subscribe': { type: 'boolean' },
            'fail-rate': { type: 'string', default: '0' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    if (values.help) return void process.stdout.write(usage);
    const failRate = Number(values['fail-rate']);
    let verifier: Webhook | undefined = values.secret ? new Webhook(values.secret) : undefined;

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
            if (Math.random() < failRate) {
                res.writeHead(500).end();
                return void process.stdout.write(`✗ ${headers['webhook-id']} answered 500 on purpose\n`);
            }
            try {
                if (!verifier) throw new Error('no secret to verify with');
                verifier.verify(body, headers);
            } catch (error) {
                res.writeHead(401).end();
                return void process.stdout.write(`✗ rejected ${headers['webhook-id']}: ${(error as Error).message}\n`);
            }
            res.writeHead(204).end();
            const payload = JSON.parse(body) as { type: string; data: Record<string, unknown> };
            process.stdout.write(
                `✓ ${headers['webhook-id']} ${payload.type}\n${JSON.stringify(payload.data, null, 2)}\n`,
            );
        });
    });
    await new Promise<void>((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    process.stdout.write(`Receiver listening on ${url}\n`);
    if (!values['no-subscribe']) {
        const subscription = await subscribe(values.gateway, url, values.events.split(','));
        verifier = new Webhook(subscription.secret);
        process.stdout.write(`Subscribed as ${subscription.id}; waiting for deliveries (Ctrl-C stops).\n`);
    }
    const stop = () => server.close(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
    process.stderr.write(`receiver: ${(error as Error).message}\n\n${usage}`);
    process.exit(1);
});
