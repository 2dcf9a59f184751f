import { demoFixture } from '../../dev/graph-emulator/demoTenant';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { type LocalStack, startLocalStack } from '../support/stack';
import { until } from '../support/until';

interface HealthBody {
    status: string;
    checks: Record<
        string,
        { status: string; durationMs?: number; reason?: string; permissions?: Record<string, string> }
    >;
}

/** The gateway's Graph probe reads (one per permission area), as the emulator logged them, without the query. */
const graphProbeReads = (requests: ReadonlyArray<{ method: string; path: string }>) =>
    requests
        .filter((request) => request.method === 'GET')
        .map((request) => decodeURIComponent(request.path))
        .filter((path) =>
            /^\/v1\.0\/((users|groups)\?\$top=1|solutions\/bookingBusinesses$|users\/[^/]+\/calendar\?)/.test(path),
        )
        .map((path) => path.split('?')[0])
        .sort();

describe('local stack: GET /api/health', () => {
    let stack: LocalStack;
    beforeAll(async () => {
        // A window longer than the test, so every request below falls in the one the start-up check opened.
        stack = await startLocalStack({ HEALTH_CACHE_MS: '600000', HEALTH_PROBE_TIMEOUT_MS: '20000' });
    });
    afterAll(() => stack.stop());

    it('reaches the health function through the local host, with storage and Graph up', async () => {
        const response = await fetch(`${stack.gatewayUrl}/api/health`);
        const body = (await response.json()) as HealthBody;
        expect(response.status).toBe(200);
        expect(body).toEqual({
            status: 'healthy',
            checks: { storage: { status: 'up' }, graph: { status: 'up' } },
        });
        expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('probes Graph once for any number of anonymous requests within the cache window', async () => {
        const responses = await Promise.all(Array.from({ length: 25 }, () => fetch(`${stack.gatewayUrl}/api/health`)));
        expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
        // The start-up check made the one probe (a read per permission; the calendar one in the mailbox the sample
        // tenant policy names first); none of these 25 (nor the earlier test's) made another.
        expect(graphProbeReads(await emulatorAdmin(stack.emulatorUrl).requests())).toEqual([
            '/v1.0/groups',
            '/v1.0/solutions/bookingBusinesses',
            '/v1.0/users',
            '/v1.0/users/carol@contoso.test/calendar',
        ]);
    });

    it('gives a caller with a valid token the detail, and answers a bad token with 401', async () => {
        const token = stack.token();
        const detailed = await fetch(`${stack.gatewayUrl}/api/health`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        expect(detailed.status).toBe(200);
        expect(await detailed.json()).toMatchObject({
            checks: { storage: { durationMs: expect.any(Number) }, graph: { durationMs: expect.any(Number) } },
        });
        const forged = await fetch(`${stack.gatewayUrl}/api/health`, { headers: { Authorization: 'Bearer x.y.z' } });
        expect(forged.status).toBe(401);
        expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(await forged.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    });

    it('answers the same over the TLS twin, trusted through the dev CA', async () => {
        const response = await fetch(`${stack.gatewayTlsUrl}/api/health`);
        expect(response.status).toBe(200);
    });

    it("answers an unknown route with Graph's error envelope and 404, and a wrong method with 405", async () => {
        const unknown = await fetch(`${stack.gatewayUrl}/api/nothing/here`);
        expect(unknown.status).toBe(404);
        expect(await unknown.json()).toMatchObject({
            error: { code: 'UnknownRoute', innerError: { 'request-id': expect.any(String) } },
        });
        const wrongMethod = await fetch(`${stack.gatewayUrl}/api/health`, { method: 'DELETE' });
        expect(wrongMethod.status).toBe(405);
        expect(wrongMethod.headers.get('allow')).toBe('GET');
        expect(await wrongMethod.json()).toMatchObject({ error: { code: 'MethodNotAllowed' } });
    });
});

describe('local stack: GET /api/health when Graph does not answer the gateway', () => {
    let stack: LocalStack;
    beforeAll(async () => {
        stack = await startLocalStack({ HEALTH_CACHE_MS: '200' });
        await emulatorAdmin(stack.emulatorUrl).setFaults([{ path: '/users', method: 'GET', status: 500 }]);
    });
    afterAll(() => stack.stop());

    const health = async (headers: Record<string, string> = {}) => {
        const response = await fetch(`${stack.gatewayUrl}/api/health`, { headers });
        return { status: response.status, body: (await response.json()) as HealthBody };
    };

    it('tells a caller with a token why Graph is down, and an anonymous caller only that it is', async () => {
        const authorization = { Authorization: `Bearer ${stack.token()}` };
        // Once the report the start-up check cached has expired.
        const detailed = await until('the health report to show Graph down', async () => {
            const answer = await health(authorization);
            return answer.status === 503 ? answer : undefined;
        });
        expect(detailed.body.checks.graph).toMatchObject({
            status: 'down',
            permissions: { directory: 'unavailable: Graph answered 500 generalException', bookings: 'ok' },
        });

        const anonymous = await health();
        expect(anonymous).toEqual({
            status: 503,
            body: { status: 'unhealthy', checks: { storage: { status: 'up' }, graph: { status: 'down' } } },
        });
    });
});

describe('local stack: GET /api/health when the gateway app lacks a Graph permission', () => {
    let stack: LocalStack;
    beforeAll(async () => {
        // The gateway's app without Bookings.ReadWrite.All from the start: the host keeps the token it first gets.
        const fixture = demoFixture();
        const withoutBookings = (fixture.applications ?? []).map((app) => ({
            ...app,
            roles: (app.roles ?? []).filter((role) => role !== 'Bookings.ReadWrite.All'),
        }));
        stack = await startLocalStack({}, { graphFixture: { ...fixture, applications: withoutBookings } });
    });
    afterAll(() => stack.stop());

    it('answers 200 degraded and names the missing permission to a caller with a token', async () => {
        const response = await fetch(`${stack.gatewayUrl}/api/health`, {
            headers: { Authorization: `Bearer ${stack.token()}` },
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as HealthBody;
        expect(body.status).toBe('degraded');
        expect(body.checks.graph).toMatchObject({
            status: 'degraded',
            permissions: { calendars: 'ok', bookings: 'missing: Bookings.ReadWrite.All', directory: 'ok' },
        });
    });

    it('tells an anonymous caller that Graph is degraded, without naming any permission', async () => {
        const response = await fetch(`${stack.gatewayUrl}/api/health`);
        expect(response.status).toBe(200);
        const text = await response.text();
        expect(JSON.parse(text)).toEqual({
            status: 'degraded',
            checks: { storage: { status: 'up' }, graph: { status: 'degraded' } },
        });
        expect(text).not.toMatch(/Bookings|Calendars|User\.Read|GroupMember|missing/);
    });
});
