import { redact, resetKnownSecrets } from '../../src/observability/redact';

const jwt =
    'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6ImFwaTovL2NhbmNlbC1nYXRld2F5In0.c2lnbmF0dXJlLXBhcnQ';

describe('redact', () => {
    afterEach(() => {
        delete process.env.TEST_ONLY_CLIENT_SECRET;
        resetKnownSecrets();
    });

    it('removes bearer tokens and bare JWTs from strings', () => {
        const line = redact(`Authorization failed for Bearer ${jwt}; token was ${jwt}.`);
        expect(line).not.toContain('eyJ');
        expect(line).toContain('Bearer [redacted]');
        expect(line).toContain('[redacted-jwt]');
    });

    it('removes Authorization header values dumped as text or JSON', () => {
        expect(redact('authorization: Basic dXNlcjpwYXNz')).toBe('authorization: [redacted]');
        expect(redact('{"Authorization":"SharedKey acct:abc="}')).toBe('{"Authorization":"[redacted]"}');
    });

    it('removes whsec_ webhook secrets, the prefix included', () => {
        const line = redact('secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw rotated');
        expect(line).toBe('secret [redacted-webhook-secret] rotated');
    });

    it('removes client_secret in form bodies, query strings and JSON', () => {
        expect(redact('grant_type=client_credentials&client_secret=abc~123&scope=x')).toBe(
            'grant_type=client_credentials&client_secret=[redacted]&scope=x',
        );
        expect(redact('{"client_secret": "abc~123"}')).toBe('{"client_secret": "[redacted]"}');
    });

    it('removes AccountKey and SharedAccessSignature pairs and SAS signatures', () => {
        const connection =
            'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFl+Q==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;';
        const line = redact(`could not connect with ${connection}`);
        expect(line).not.toMatch(/AccountKey/i);
        expect(line).not.toContain('Eby8vdM02');
        expect(line).toContain('AccountName=devstoreaccount1');
        expect(redact('BlobEndpoint=https://a.blob;SharedAccessSignature=sv=2022&sig=abc%3D')).not.toMatch(
            /SharedAccessSignature|abc%3D/,
        );
        expect(redact('GET https://a.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbC%2Bd%3D&se=x')).toBe(
            'GET https://a.blob.core.windows.net/c/b?sv=2022-11-02&sig=[redacted]&se=x',
        );
    });

    it('removes the values of secret app settings wherever they appear', () => {
        process.env.TEST_ONLY_CLIENT_SECRET = 'not-a-pattern-at-all';
        resetKnownSecrets();
        expect(redact('credential configured with not-a-pattern-at-all')).toBe(
            'credential configured with [redacted-setting]',
        );
    });

    it('copies objects, redacting secret-named properties and nested strings, without mutating the input', () => {
        const input = {
            headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
            body: { client_secret: 'x', secret: 'whsec_abc', nested: [{ note: `token ${jwt}` }] },
            status: 401,
        };
        const snapshot = JSON.stringify(input);
        const output = JSON.stringify(redact(input));
        expect(JSON.stringify(input)).toBe(snapshot);
        expect(output).not.toMatch(/eyJ|whsec_|"x"/);
        expect(redact(input)).toMatchObject({
            headers: { authorization: '[redacted]', 'content-type': 'application/json' },
            body: { client_secret: '[redacted]', secret: '[redacted]', nested: [{ note: 'token [redacted-jwt]' }] },
            status: 401,
        });
    });

    it('turns errors (and their causes) into redacted plain objects and survives cycles', () => {
        const cause = new Error(`AADSTS7000215: invalid client_secret=abc123 for ${jwt}`);
        const error = new Error('token request failed', { cause });
        const output = JSON.stringify(redact(error));
        expect(output).toContain('token request failed');
        expect(output).toContain('AADSTS7000215');
        expect(output).not.toMatch(/eyJ|abc123/);
        const cyclic: Record<string, unknown> = { name: 'loop' };
        cyclic.self = cyclic;
        expect(redact(cyclic)).toEqual({ name: 'loop', self: '[circular]' });
    });

    it('finds secrets whatever the letter case of their marker (the patterns ignore case, so must the quick check)', () => {
        expect(redact('BEARER abc.def')).toBe('Bearer [redacted]');
        expect(redact('AUTHORIZATION=Basic x')).toBe('AUTHORIZATION=[redacted]');
        expect(redact('ClientSecret: s3cr3t')).toBe('ClientSecret: [redacted]');
        expect(redact('x;accountkey=abc;y')).toBe('x;[redacted-account-key];y');
        expect(redact('x;sharedaccesssignature=abc')).toBe('x;[redacted-sas]');
        expect(redact('/c?SIG=abc')).toBe('/c?SIG=[redacted]');
    });

    it('leaves ordinary values alone', () => {
        expect(redact('GET /v1.0/users/alice@contoso.test/events/AAMk 202')).toBe(
            'GET /v1.0/users/alice@contoso.test/events/AAMk 202',
        );
        expect(redact(42)).toBe(42);
        expect(redact(null)).toBeNull();
    });
});
