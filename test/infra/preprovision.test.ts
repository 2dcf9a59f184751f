import { environmentProblems } from '../../infra/hooks/preprovision';

const complete = {
    GATEWAY_API_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
    GATEWAY_API_APP_ID_URI: 'api://00000000-0000-4000-8000-000000000001',
};

describe('preprovision hook: the azd environment is checked before anything is deployed', () => {
    it('accepts the minimal environment (the gateway calls Graph as its managed identity)', () => {
        expect(environmentProblems(complete)).toEqual([]);
    });

    it('accepts a Graph client secret together with its client id', () => {
        const env = { ...complete, GRAPH_CLIENT_ID: '00000000-0000-4000-8000-000000000002', GRAPH_CLIENT_SECRET: 's' };
        expect(environmentProblems(env)).toEqual([]);
    });

    it('refuses GRAPH_CLIENT_SECRET without GRAPH_CLIENT_ID (the app would refuse to start)', () => {
        const problems = environmentProblems({ ...complete, GRAPH_CLIENT_SECRET: 'secret' });
        expect(problems).toEqual([expect.stringContaining('GRAPH_CLIENT_SECRET is set but GRAPH_CLIENT_ID')]);
        expect(problems[0]).toContain('azd env set GRAPH_CLIENT_ID');
    });

    it('refuses GRAPH_CLIENT_ID without a secret, which would be silently ignored', () => {
        const env = { ...complete, GRAPH_CLIENT_ID: '00000000-0000-4000-8000-000000000002' };
        expect(environmentProblems(env)).toEqual([expect.stringContaining('GRAPH_CLIENT_ID is set without')]);
    });

    it('names the missing API registration values', () => {
        const problems = environmentProblems({});
        expect(problems).toEqual([
            expect.stringContaining('GATEWAY_API_CLIENT_ID'),
            expect.stringContaining('GATEWAY_API_APP_ID_URI'),
        ]);
    });

    it('refuses a tenant policy that is not base64 of a JSON object', () => {
        const env = { ...complete, TENANT_POLICY_BASE64: Buffer.from('[1]').toString('base64') };
        expect(environmentProblems(env)).toEqual([expect.stringContaining('TENANT_POLICY_BASE64')]);
        const valid = { ...complete, TENANT_POLICY_BASE64: Buffer.from('{"delegates":[]}').toString('base64') };
        expect(environmentProblems(valid)).toEqual([]);
    });
});
