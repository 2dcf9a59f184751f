import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';
import { webhookReceiver } from '../support/webhookReceiver';

const [alice] = devTenant.users;
const appId = 'ca9ce1a7-0000-4000-8000-0000000000d4';
const operatorRoles = ['Subscriptions.ReadWrite.All', 'Cancellations.Admin'];
const hangingEndpoints = 3;

/**
 * Endpoints (one per path) that answer their first request 503, then never answer again: an endpoint that went down
 * and now hangs until the gateway's WEBHOOK_TIMEOUT_MS.
 */
async function hangingServer() {
    const seen = new Set<string>();
    const open = new Set<http.ServerResponse>();
    let requests = 0;
    const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
            requests++;
            const path = req.url ?? '';
            if (!seen.has(path)) {
                seen.add(path);
                res.writeHead(503).end();
                return;
            }
            open.add(res);
            res.on('close', () => open.delete(res));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        urlFor: (n: number) => `${base}/hang/${n}`,
        requests: () => requests,
        hanging: () => open.size,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/**
 * The delivery lanes on the local host: with each queue function allowed 2 messages at a time (batchSize 2,
 * newBatchThreshold 1) and endpoints that hang far longer than the test, the hanging endpoints' deliveries fill the
 * retry lane; a healthy endpoint's delivery still goes out on the first lane while theirs are held.
 */
describe('a hanging webhook endpoint cannot delay a healthy one (delivery lanes)', () => {
    const local = useLocalStack({
        WEBHOOK_TIMEOUT_MS: '120000',
        AzureFunctionsJobHost__extensions__queues__batchSize: '2',
        AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '1',
    });
    const closers: Array<() => Promise<void>> = [];
    afterEach(async () => {
        for (const close of closers.splice(0)) await close();
    });

    const operator = () => local.stack.token({ app: appId, roles: operatorRoles });
    const subscribe = async (notificationUrl: string) => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${operator()}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ notificationUrl, eventTypes: ['event.cancelled'] }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
    };
    const cancel = async (eventId: string) => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/v1.0/me/events/${eventId}/cancel`, {
            method: 'POST',
            headers: {
                Authorization: `Bearer ${local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] })}`,
                'Content-Type': 'application/json',
            },
            body: '{"comment":"Moved"}',
        });
        expect(response.status).toBe(202);
        // `Location: /api/cancellations/{id}`
        return String(response.headers.get('location')).split('/').pop();
    };
    const pendingDeliveries = async () => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/deliveries?state=pending`, {
            headers: { Authorization: `Bearer ${operator()}` },
        });
        expect(response.status).toBe(200);
        return (
            (await response.json()) as {
                value: Array<{ subscriptionId: string; cancellationId: string; attempts: number }>;
            }
        ).value;
    };

    it('delivers to the healthy endpoint while the hanging endpoints hold every slot of the retry lane', async () => {
        const hanging = await hangingServer();
        const healthy = await webhookReceiver();
        closers.push(hanging.close, () => healthy.close());
        const hangingIds = new Set<string>();
        for (let n = 1; n <= hangingEndpoints; n++) hangingIds.add(await subscribe(hanging.urlFor(n)));
        await subscribe(healthy.url);

        // Every endpoint gets the first cancellation; the hanging ones answer 503, so they are failing from now on
        // and their retries (after 5 s) hang: two of them hold both slots of the retry lane.
        await cancel(demoIds.budgetReviewId);
        await until('the healthy endpoint to receive the first cancellation', () =>
            healthy.received.length >= 1 ? true : undefined,
        );
        await until(
            'the retry lane to be full of hanging deliveries',
            () => (hanging.hanging() >= 2 ? true : undefined),
            30_000,
        );

        // The second cancellation: the failing endpoints' first attempts join the held retry lane; the healthy
        // endpoint's goes out on the first lane.
        const second = await cancel(demoIds.kickoffId);
        await until('the healthy endpoint to receive the second cancellation', () =>
            healthy.received.length >= 2 ? true : undefined,
        );
        const held = (await pendingDeliveries()).filter((d) => d.cancellationId === second);
        expect(held.map((d) => d.subscriptionId).sort()).toEqual([...hangingIds].sort());
        expect(held.every((d) => d.attempts === 0)).toBe(true);
        // Still held: three 503s, then two requests that hang; nothing else reached the hanging endpoints.
        expect(hanging.hanging()).toBe(2);
        expect(hanging.requests()).toBe(hangingEndpoints + 2);
    }, 90_000);
});
