import { HttpRequest, InvocationContext } from '@azure/functions';
import type { TokenValidator } from '../../src/auth/tokenValidator';
import { cachedHealth } from '../../src/health/cachedHealth';
import type { HealthProbe } from '../../src/health/checkHealth';
import { UnauthorizedError } from '../../src/errors/appError';
import { healthHandler } from '../../src/http/handlers/health';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeEdge } from '../../src/http/routes/serveRoute';
import { userCaller, alice } from '../auth/fakes';

const up = (name: string): HealthProbe => ({ name, check: () => Promise.resolve() });
const down = (name: string, reason: string): HealthProbe => ({ name, check: () => Promise.reject(new Error(reason)) });
const hanging = (name: string): HealthProbe => ({ name, check: () => new Promise(() => undefined) });
/** Graph answering but refusing the Bookings permission, as the Graph probe reports it. */
const graphWithoutBookings: HealthProbe = {
    name: 'graph',
    check: () =>
        Promise.resolve({
            status: 'degraded',
            reason: 'bookings: missing: Bookings.ReadWrite.All',
            permissions: { calendars: 'ok', bookings: 'missing: Bookings.ReadWrite.All', directory: 'ok' },
        }),
};

/** A probe that counts its runs and answers only when told to. */
function controlledProbe(name: string) {
    const pending: Array<() => void> = [];
    return {
        runs: 0,
        pending,
        probe(): HealthProbe {
            return {
                name,
                check: () => {
                    this.runs += 1;
                    return new Promise<void>((resolve) => pending.push(resolve));
                },
            };
        },
        answerAll() {
            for (const resolve of pending.splice(0)) resolve();
        },
    };
}

const validToken = 'Bearer valid';
/** The token validator port: one valid token, anything else refused as the real one does. */
const tokens: TokenValidator = {
    authenticate: (header) =>
        header === validToken
            ? Promise.resolve(userCaller(alice, []))
            : Promise.reject(new UnauthorizedError('The access token is invalid.', 'Bearer realm="cancel-gateway"')),
};

async function call(
    probes: HealthProbe[],
    { timeoutMs = 200, authorization }: { timeoutMs?: number; authorization?: string } = {},
) {
    const route = httpRoutes.find((r) => r.name === 'health')!;
    const health = cachedHealth(probes, { probeTimeoutMs: timeoutMs, cacheMs: 0, now: () => 0 });
    const handler = routeEdge(route, healthHandler({ tokens, health }), tokens);
    const request = new HttpRequest({
        url: 'http://127.0.0.1:7071/api/health',
        method: 'GET',
        headers: { 'client-request-id': 'c-1', ...(authorization === undefined ? {} : { authorization }) },
    });
    const response = await handler(request, new InvocationContext({ functionName: 'health' }));
    return { response, headers: new Headers(response.headers), body: response.jsonBody as Record<string, unknown> };
}

describe('GET /api/health', () => {
    it('answers 200 when every dependency is up', async () => {
        const { response, headers, body } = await call([up('storage'), up('graph')]);
        expect(response.status).toBe(200);
        expect(body).toEqual({
            status: 'healthy',
            checks: { storage: { status: 'up' }, graph: { status: 'up' } },
        });
        expect(headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect(headers.get('client-request-id')).toBe('c-1');
    });

    it('answers an anonymous caller 503 naming the dependency that failed, but not why', async () => {
        const { response, body } = await call([up('storage'), down('graph', 'AADSTS7000215: Invalid client secret')]);
        expect(response.status).toBe(503);
        expect(body).toEqual({ status: 'unhealthy', checks: { storage: { status: 'up' }, graph: { status: 'down' } } });
        expect(JSON.stringify(body)).not.toContain('AADSTS');
    });

    it("gives a caller with a valid token each probe's reason and duration", async () => {
        const { response, body } = await call([up('storage'), down('graph', 'Graph answered 401')], {
            authorization: validToken,
        });
        expect(response.status).toBe(503);
        expect(body).toMatchObject({
            status: 'unhealthy',
            checks: {
                storage: { status: 'up', durationMs: expect.any(Number) },
                graph: { status: 'down', reason: 'Graph answered 401' },
            },
        });
    });

    it('answers 200 degraded when Graph refuses a permission, naming it to a caller with a valid token', async () => {
        const { response, body } = await call([up('storage'), graphWithoutBookings], { authorization: validToken });
        expect(response.status).toBe(200);
        expect(body).toMatchObject({
            status: 'degraded',
            checks: {
                storage: { status: 'up' },
                graph: {
                    status: 'degraded',
                    reason: 'bookings: missing: Bookings.ReadWrite.All',
                    permissions: { calendars: 'ok', bookings: 'missing: Bookings.ReadWrite.All', directory: 'ok' },
                },
            },
        });
    });

    it('tells an anonymous caller only that Graph is degraded, not which permission', async () => {
        const { response, body } = await call([up('storage'), graphWithoutBookings]);
        expect(response.status).toBe(200);
        expect(body).toEqual({
            status: 'degraded',
            checks: { storage: { status: 'up' }, graph: { status: 'degraded' } },
        });
    });

    it('is unhealthy (503) when one probe is down, even if another is only degraded', async () => {
        const { response, body } = await call([down('storage', 'no answer'), graphWithoutBookings]);
        expect(response.status).toBe(503);
        expect(body).toMatchObject({ status: 'unhealthy' });
    });

    it('answers a bad token with 401 and a challenge, and probes nothing', async () => {
        const graph = controlledProbe('graph');
        for (const authorization of ['Bearer forged', '', 'Basic abc']) {
            const { response, headers, body } = await call([graph.probe()], { authorization });
            expect(response.status).toBe(401);
            expect(headers.get('www-authenticate')).toMatch(/^Bearer /);
            expect(body).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
        }
        expect(graph.runs).toBe(0);
    });

    it('bounds a probe that never answers by the probe timeout', async () => {
        const { response, body } = await call([hanging('storage'), up('graph')], {
            timeoutMs: 50,
            authorization: validToken,
        });
        expect(response.status).toBe(503);
        expect(body).toMatchObject({ checks: { storage: { status: 'down', reason: 'no answer within 50 ms' } } });
    });
});

describe('cachedHealth', () => {
    const clock = { ms: 0 };
    const options = { probeTimeoutMs: 10_000, cacheMs: 5_000, now: () => clock.ms };
    beforeEach(() => {
        clock.ms = 1_000_000;
    });

    it('shares one probe among concurrent callers and answers from it for the cache window', async () => {
        const graph = controlledProbe('graph');
        const health = cachedHealth([graph.probe()], options);
        const concurrent = Array.from({ length: 20 }, () => health());
        expect(graph.runs).toBe(1);
        graph.answerAll();
        const reports = await Promise.all(concurrent);
        expect(reports.every((report) => report.status === 'healthy')).toBe(true);

        clock.ms += 4_999;
        await Promise.all(Array.from({ length: 20 }, () => health()));
        expect(graph.runs).toBe(1);
    });

    it('probes again once the window has passed, and keeps a failure for the window too', async () => {
        let failing = true;
        let runs = 0;
        const flaky: HealthProbe = {
            name: 'graph',
            check: () => {
                runs += 1;
                return failing ? Promise.reject(new Error('Graph answered 503')) : Promise.resolve();
            },
        };
        const health = cachedHealth([flaky], options);
        expect((await health()).status).toBe('unhealthy');
        failing = false;
        clock.ms += 4_000;
        expect((await health()).status).toBe('unhealthy');
        expect(runs).toBe(1);
        clock.ms += 1_000;
        expect((await health()).status).toBe('healthy');
        expect(runs).toBe(2);
    });
});
