import { type LocalStack, startLocalStack } from '../support/stack';

describe('local stack: GET /api/health', () => {
    let stack: LocalStack;
    beforeAll(async () => {
        stack = await startLocalStack();
    });
    afterAll(() => stack.stop());

    it('reaches the health function through the local host, with storage and Graph up', async () => {
        const response = await fetch(`${stack.gatewayUrl}/api/health`);
        const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
        expect(response.status).toBe(200);
        expect(body).toMatchObject({
            status: 'healthy',
            checks: { storage: { status: 'up' }, graph: { status: 'up' } },
        });
        expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
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
