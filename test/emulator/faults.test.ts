import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { type RequestLogEntry } from '../../dev/graph-emulator/requestLog';
import { devTenant } from '../../dev/identity/devTenant';
import { until } from '../support/until';
import { alice, appToken, bob, Client, errorOf, useEmulator } from './helpers';

const emu = useEmulator();

const faults = (body: unknown) => emu.client.admin('PUT', '/faults', body);

describe('faults', () => {
    test('status with Retry-After, matched by path prefix (with or without version)', async () => {
        const put = await faults([{ path: `/users/${alice}/events`, status: 503, retryAfterSeconds: 2.5 }]);
        expect(put.status).toBe(200);
        const hit = await emu.client.get(`/v1.0/users/${alice}/events`);
        expect(hit.status).toBe(503);
        expect(hit.headers.get('retry-after')).toBe('2.5');
        expect(errorOf(hit).code).toBe('serviceNotAvailable');
        expect(errorOf(hit).innerError['request-id']).toBe(hit.headers.get('request-id'));
        expect((await emu.client.get(`/v1.0/users/${bob}/events`)).status).toBe(200);
        await faults([{ path: '/beta/users/', status: 429, retryAfterSeconds: 3 }]);
        expect((await emu.client.get(`/v1.0/users/${alice}/events`)).status).toBe(200);
        const throttled = await emu.client.get(`/beta/users/${alice}/events`);
        expect(throttled.status).toBe(429);
        expect(throttled.headers.get('retry-after')).toBe('3');
        expect(errorOf(throttled).code).toBe('TooManyRequests');
    });

    test('method filter, regex, count and custom code/message', async () => {
        await faults([
            {
                pathRegex: '/events/[^/]+/cancel$',
                method: 'POST',
                status: 500,
                count: 1,
                code: 'generalException',
                message: 'boom',
            },
        ]);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}`)).status).toBe(200);
        const first = await emu.client.post(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}/cancel`, {});
        expect(first.status).toBe(500);
        expect(errorOf(first).message).toBe('boom');
        const second = await emu.client.post(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}/cancel`, {});
        expect(second.status).toBe(202);
        const listed = await emu.client.admin('GET', '/faults');
        expect((listed.json.value as { hits: number }[])[0]?.hits).toBe(1);
    });

    test('rate: 0 never fires, 1 always, 0.5 sometimes', async () => {
        await faults([{ path: '/v1.0/users', status: 503, rate: 0 }]);
        for (let i = 0; i < 10; i++) expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(200);
        await faults([{ path: '/v1.0/users', status: 503, rate: 0.5 }]);
        const statuses: number[] = [];
        for (let i = 0; i < 80; i++) statuses.push((await emu.client.get(`/v1.0/users/${alice}`)).status);
        const failed = statuses.filter((s) => s === 503).length;
        expect(failed).toBeGreaterThan(10);
        expect(failed).toBeLessThan(70);
    });

    test('a seed makes the rate draws repeat: same requests, same faults', async () => {
        const run = async (seed: number): Promise<number[]> => {
            await faults({ rules: [{ path: '/v1.0/users', status: 503, rate: 0.5 }], seed });
            const statuses: number[] = [];
            for (let i = 0; i < 24; i++) statuses.push((await emu.client.get(`/v1.0/users/${alice}`)).status);
            return statuses;
        };
        const first = await run(7);
        expect(new Set(first)).toEqual(new Set([200, 503]));
        expect(await run(7)).toEqual(first);
        expect(await run(8)).not.toEqual(first);
    });

    test('hold: a matching request waits until released; replacing or clearing the rules releases it too', async () => {
        const heldCount = async () => (await emu.client.admin('GET', '/faults')).json.held;
        await faults([{ path: `/v1.0/users/${alice}`, method: 'GET', hold: true, count: 1 }]);
        let answered = false;
        const held = emu.client.get(`/v1.0/users/${alice}`).finally(() => (answered = true));
        await until('the request to be held', async () => ((await heldCount()) === 1 ? true : undefined));
        // past its count, the rule lets the next request through; the held one still waits
        expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(200);
        expect(answered).toBe(false);
        expect((await emu.client.admin('POST', '/faults/release')).json).toEqual({ released: 1 });
        expect((await held).status).toBe(200);
        expect(await heldCount()).toBe(0);

        await faults([{ path: `/v1.0/users/${alice}`, hold: true }]);
        const heldUntilCleared = emu.client.get(`/v1.0/users/${alice}`);
        await until('the request to be held', async () => ((await heldCount()) === 1 ? true : undefined));
        expect((await emu.client.admin('DELETE', '/faults')).status).toBe(204);
        expect((await heldUntilCleared).status).toBe(200);
    });

    test('latency only (no status)', async () => {
        await faults([{ path: `/v1.0/users/${alice}`, latencyMs: 250 }]);
        const started = Date.now();
        const reply = await emu.client.get(`/v1.0/users/${alice}`);
        expect(reply.status).toBe(200);
        expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    });

    test('GET and DELETE /_emulator/faults; invalid rules → 400', async () => {
        await faults({ rules: [{ path: '/x', status: 503 }] });
        expect(((await emu.client.admin('GET', '/faults')).json.value as unknown[]).length).toBe(1);
        expect((await emu.client.admin('DELETE', '/faults')).status).toBe(204);
        expect(((await emu.client.admin('GET', '/faults')).json.value as unknown[]).length).toBe(0);
        const bad = await faults([{ status: 200 }]);
        expect(bad.status).toBe(400);
        const badRegex = await faults([{ pathRegex: '(' }]);
        expect(badRegex.status).toBe(400);
    });
});

describe('per-mailbox concurrency', () => {
    test('a 5th concurrent request for the same (app, mailbox) gets 429 MailboxConcurrency', async () => {
        await faults([{ path: `/v1.0/users/${alice}/events`, latencyMs: 300 }]);
        const replies = await Promise.all(
            Array.from({ length: 6 }, () => emu.client.get(`/v1.0/users/${alice}/events`)),
        );
        const statuses = replies.map((r) => r.status).sort();
        expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
        const throttled = replies.find((r) => r.status === 429);
        expect(throttled && errorOf(throttled).message).toBe('Application is over its MailboxConcurrency limit.');
        expect(throttled?.headers.get('retry-after')).toBeTruthy();
    });

    test('other mailboxes and other apps are not affected; the limit can be switched off', async () => {
        await faults([{ pathRegex: '^/v1\\.0/users/[^/]+/events$', latencyMs: 200 }]);
        const otherApp = new Client(emu.emulator, appToken(['Calendars.Read'], { app: devTenant.callerApp.clientId }));
        const replies = await Promise.all([
            ...Array.from({ length: 4 }, () => emu.client.get(`/v1.0/users/${alice}/events`)),
            ...Array.from({ length: 4 }, () => emu.client.get(`/v1.0/users/${bob}/events`)),
            ...Array.from({ length: 2 }, () => otherApp.get(`/v1.0/users/${alice}/events`)),
        ]);
        expect(replies.every((r) => r.status === 200)).toBe(true);
        await faults({
            rules: [{ path: `/v1.0/users/${alice}/events`, latencyMs: 200 }],
            mailboxConcurrency: { enabled: false },
        });
        const unlimited = await Promise.all(
            Array.from({ length: 8 }, () => emu.client.get(`/v1.0/users/${alice}/events`)),
        );
        expect(unlimited.every((r) => r.status === 200)).toBe(true);
    });
});

describe('request log', () => {
    test('records each Graph call with times, status, ids, app and mailbox; DELETE clears it', async () => {
        await emu.client.admin('DELETE', '/requests');
        await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}`, {
            'client-request-id': 'my-correlation',
        });
        await emu.client.post(
            `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(demoIds.businessId)}/appointments/${demoIds.lunchAppointmentId}/cancel`,
            {
                cancellationMessage: 'x',
            },
        );
        await emu.client.admin('GET', '/mailboxes/alice@contoso.test/events');
        const log = (await emu.client.admin('GET', '/requests')).json.value as RequestLogEntry[];
        expect(log).toHaveLength(2);
        const [get, cancel] = log;
        expect(get).toMatchObject({
            method: 'GET',
            status: 200,
            appId: devTenant.gatewayGraphClient.clientId,
            mailbox: alice,
            inBatch: false,
            clientRequestId: 'my-correlation',
        });
        expect(Date.parse(get?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(get?.startedAt ?? ''));
        expect(get?.path).toContain(demoIds.budgetReviewId);
        expect(cancel).toMatchObject({ method: 'POST', status: 204, mailbox: demoIds.businessId });
        expect((await emu.client.admin('DELETE', '/requests')).status).toBe(204);
        expect(((await emu.client.admin('GET', '/requests')).json.value as unknown[]).length).toBe(0);
    });

    test('client-request-id is echoed; request-id is fresh per request', async () => {
        const a = await emu.client.get(`/v1.0/users/${alice}`, { 'client-request-id': 'abc-123' });
        const b = await emu.client.get(`/v1.0/users/${alice}`);
        expect(a.headers.get('client-request-id')).toBe('abc-123');
        expect(a.headers.get('request-id')).not.toBe(b.headers.get('request-id'));
        expect(b.headers.get('client-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
});
