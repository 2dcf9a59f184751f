import { HttpRequest, InvocationContext } from '@azure/functions';
import type { HealthProbe } from '../../src/health/checkHealth';
import { healthHandler } from '../../src/http/handlers/health';

const up = (name: string): HealthProbe => ({ name, check: () => Promise.resolve() });
const down = (name: string, reason: string): HealthProbe => ({ name, check: () => Promise.reject(new Error(reason)) });
const hanging = (name: string): HealthProbe => ({ name, check: () => new Promise(() => undefined) });

async function call(probes: HealthProbe[], timeoutMs = 200) {
    const handler = healthHandler(probes, timeoutMs);
    const request = new HttpRequest({
        url: 'http://127.0.0.1:7071/api/health',
        method: 'GET',
        headers: { 'client-request-id': 'c-1' },
    });
    const response = await handler(request, new InvocationContext({ functionName: 'health' }));
    return { response, headers: new Headers(response.headers), body: response.jsonBody as Record<string, unknown> };
}

describe('GET /api/health', () => {
    it('answers 200 when every dependency is up', async () => {
        const { response, headers, body } = await call([up('storage'), up('graph')]);
        expect(response.status).toBe(200);
        expect(body).toMatchObject({
            status: 'healthy',
            checks: { storage: { status: 'up' }, graph: { status: 'up' } },
        });
        expect(headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect(headers.get('client-request-id')).toBe('c-1');
    });

    it('answers 503 and names the dependency that failed, with its reason', async () => {
        const { response, body } = await call([up('storage'), down('graph', 'Graph answered 401')]);
        expect(response.status).toBe(503);
        expect(body).toMatchObject({
            status: 'unhealthy',
            checks: { storage: { status: 'up' }, graph: { status: 'down', reason: 'Graph answered 401' } },
        });
    });

    it('bounds a probe that never answers by the probe timeout', async () => {
        const { response, body } = await call([hanging('storage'), up('graph')], 50);
        expect(response.status).toBe(503);
        expect(body).toMatchObject({ checks: { storage: { status: 'down', reason: 'no answer within 50 ms' } } });
    });
});
