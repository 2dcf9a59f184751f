import * as crypto from 'node:crypto';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { mintToken, type MintOptions } from '../../dev/identity/mintToken';
import { type DevSigningKey, loadSigningKeys, newSigningKey } from '../../dev/identity/signingKeys';
import { createTokenValidator, type TokenValidatorOptions } from '../../src/auth/tokenValidator';
import { AppError } from '../../src/errors/appError';
import { type IdentityServer, startIdentityServer, unreachableOrigin } from './identityServer';

const tenantId = devTenant.tenantId;
const otherTenantId = 'dc0ffee0-7e4a-4c6b-9d2f-0000000000ff';
const alice = devTenant.users[0];
const CLOCK_SKEW_SECONDS = 60;

let server: IdentityServer;
let signingKey: DevSigningKey;

function validatorOptions(overrides: Partial<TokenValidatorOptions> = {}): TokenValidatorOptions {
    return {
        tenantId,
        audiences: [devTenant.gatewayApi.clientId, devTenant.gatewayApi.appIdUri],
        authorityHost: server.origin,
        v1IssuerHost: server.origin,
        clockSkewSeconds: CLOCK_SKEW_SECONDS,
        ...overrides,
    };
}

const validator = () => createTokenValidator(validatorOptions());
const mint = (options: MintOptions = {}) => mintToken({ issuerHost: server.origin, key: signingKey, ...options });
const bearer = (token: string) => `Bearer ${token}`;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Runs `authenticate` and returns the AppError it must throw. */
async function rejection(header: string | null, options?: Partial<TokenValidatorOptions>): Promise<AppError> {
    const subject = options ? createTokenValidator(validatorOptions(options)) : validator();
    try {
        await subject.authenticate(header);
    } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
    }
    throw new Error('expected authenticate to reject');
}

async function expectInvalidToken(header: string, descriptionPart: RegExp): Promise<void> {
    const error = await rejection(header);
    expect(error.status).toBe(401);
    expect(error.code).toBe('InvalidAuthenticationToken');
    const challenge = error.headers['WWW-Authenticate'] ?? '';
    expect(challenge).toMatch(/^Bearer realm="cancel-gateway", /);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toMatch(descriptionPart);
    expect(error.message).toMatch(descriptionPart);
    // Never echo the token back.
    const token = header.replace(/^Bearer\s+/i, '');
    if (token.length > 8) {
        expect(challenge).not.toContain(token);
        expect(error.message).not.toContain(token);
    }
}

beforeAll(async () => {
    const key = loadSigningKeys()[0];
    if (!key) throw new Error('no dev signing key');
    signingKey = key;
    server = await startIdentityServer(tenantId, [key.publicJwk]);
});

afterAll(async () => {
    await server.close();
});

describe('accepted tokens', () => {
    it('accepts a v2 user token and builds the caller from it', async () => {
        const caller = await validator().authenticate(
            bearer(mint({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite', 'User.Read'] })),
        );
        expect(caller).toEqual({
            kind: 'user',
            tenantId,
            objectId: alice.id,
            userPrincipalName: alice.userPrincipalName,
            appId: devTenant.callerApp.clientId,
            scopes: new Set(['Calendars.ReadWrite', 'User.Read']),
            roles: new Set(),
        });
    });

    it('accepts a v1 user token (sts issuer, App ID URI audience, upn and appid claims)', async () => {
        const caller = await validator().authenticate(
            bearer(mint({ version: 1, user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] })),
        );
        expect(caller.kind).toBe('user');
        expect(caller.userPrincipalName).toBe(alice.userPrincipalName);
        expect(caller.appId).toBe(devTenant.callerApp.clientId);
        expect([...caller.scopes]).toEqual(['Calendars.ReadWrite']);
    });

    it('accepts v2 and v1 app-only tokens with roles and no user fields', async () => {
        const appId = devTenant.callerApp.clientId;
        for (const version of [1, 2] as const) {
            const caller = await validator().authenticate(
                bearer(mint({ version, app: appId, roles: ['Calendars.ReadWrite', 'Bookings.Manage.All'] })),
            );
            expect(caller.kind).toBe('app');
            expect(caller.appId).toBe(appId);
            expect(caller.userPrincipalName).toBeUndefined();
            expect(caller.scopes.size).toBe(0);
            expect(caller.roles).toEqual(new Set(['Calendars.ReadWrite', 'Bookings.Manage.All']));
        }
    });

    it('treats a token without scp and without idtyp as app-only', async () => {
        const token = mint({
            app: devTenant.callerApp.clientId,
            roles: ['Calendars.ReadWrite'],
            extraClaims: { idtyp: undefined },
        });
        expect((await validator().authenticate(bearer(token))).kind).toBe('app');
    });

    it('keeps a user with app roles a user: roles are not scopes', async () => {
        const caller = await validator().authenticate(bearer(mint({ scp: [], roles: ['Calendars.ReadWrite'] })));
        expect(caller.kind).toBe('user');
        expect(caller.scopes.size).toBe(0);
        expect(caller.roles.has('Calendars.ReadWrite')).toBe(true);
    });

    it('accepts the scheme in any case', async () => {
        await expect(
            validator().authenticate(`bearer ${mint({ scp: ['Calendars.ReadWrite'] })}`),
        ).resolves.toBeDefined();
    });

    it('accepts a token expired by less than the clock skew', async () => {
        await expect(validator().authenticate(bearer(mint({ expiresInSeconds: -30 })))).resolves.toBeDefined();
    });

    it('accepts a token not valid for less than the clock skew yet', async () => {
        await expect(validator().authenticate(bearer(mint({ notBeforeSeconds: 30 })))).resolves.toBeDefined();
    });

    it('fetches the metadata once and reuses the JWKS across requests', async () => {
        const before = { ...server.hits };
        const subject = validator();
        for (let i = 0; i < 3; i += 1) await subject.authenticate(bearer(mint()));
        expect(server.hits.metadata - before.metadata).toBe(1);
        expect(server.hits.jwks - before.jwks).toBe(1);
    });
});

describe('no credentials', () => {
    it.each([
        ['no header', null],
        ['an empty header', ''],
        ['blank', '   '],
    ])('401 without an error code for %s', async (_name, header) => {
        const error = await rejection(header);
        expect(error.status).toBe(401);
        expect(error.message).toBe('Access token is empty.');
        const challenge = error.headers['WWW-Authenticate'] ?? '';
        expect(challenge).toBe(
            `Bearer realm="cancel-gateway", authorization_uri="${server.origin}/${tenantId}/oauth2/v2.0/authorize", resource_id="${devTenant.gatewayApi.clientId}"`,
        );
    });

    it('401 without an error code for another scheme', async () => {
        const error = await rejection(`Basic ${Buffer.from('user:pass').toString('base64')}`);
        expect(error.status).toBe(401);
        expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer realm=/);
        expect(error.headers['WWW-Authenticate']).not.toContain('error=');
    });

    it('does not contact the identity provider for requests without a token', async () => {
        const before = { ...server.hits };
        await rejection(null);
        await rejection(bearer('not-a-jwt'));
        expect(server.hits).toEqual(before);
    });
});

describe('rejected tokens: 401 invalid_token', () => {
    it('"Bearer" with no token', () => expectInvalidToken('Bearer ', /empty|one token/));

    it('two tokens', () => expectInvalidToken(`Bearer ${mint()} ${mint()}`, /one token/));

    it('not a JWT', () => expectInvalidToken('Bearer not-a-jwt', /malformed/));

    it('three segments that are not JSON', () => expectInvalidToken('Bearer abc.def.ghi', /malformed/));

    it('alg: none', async () => {
        const claims = JSON.parse(Buffer.from(mint().split('.')[1] ?? '', 'base64url').toString()) as object;
        await expectInvalidToken(
            `Bearer ${b64({ alg: 'none', typ: 'JWT', kid: signingKey.kid })}.${b64(claims)}.`,
            /RS256/,
        );
    });

    it('HS256 signed with the public key as the HMAC secret', async () => {
        const claims = JSON.parse(Buffer.from(mint().split('.')[1] ?? '', 'base64url').toString()) as object;
        const publicPem = crypto
            .createPublicKey({ key: signingKey.publicJwk, format: 'jwk' })
            .export({ type: 'spki', format: 'pem' });
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: signingKey.kid })}.${b64(claims)}`;
        const signature = crypto.createHmac('sha256', publicPem).update(input).digest('base64url');
        await expectInvalidToken(`Bearer ${input}.${signature}`, /RS256/);
    });

    it('RS512 (another asymmetric algorithm) is refused too', async () => {
        const claims = JSON.parse(Buffer.from(mint().split('.')[1] ?? '', 'base64url').toString()) as object;
        const input = `${b64({ alg: 'RS512', typ: 'JWT', kid: signingKey.kid })}.${b64(claims)}`;
        const privateKey = crypto.createPrivateKey({ key: signingKey.privateJwk, format: 'jwk' });
        const signature = crypto.sign('sha512', Buffer.from(input), privateKey).toString('base64url');
        await expectInvalidToken(`Bearer ${input}.${signature}`, /RS256/);
    });

    it('no kid', async () => {
        const [, payload, signature] = mint().split('.');
        await expectInvalidToken(`Bearer ${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`, /kid/);
    });

    it('bad signature (tampered payload)', async () => {
        const [header, payload, signature] = mint({ scp: ['User.Read'] }).split('.');
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
        const tampered = b64({ ...claims, scp: 'Calendars.ReadWrite' });
        await expectInvalidToken(`Bearer ${header}.${tampered}.${signature}`, /signature is invalid/);
    });

    it('a key that is not in the JWKS', () =>
        expectInvalidToken(bearer(mint({ key: newSigningKey() })), /not among the tenant signing keys/));

    it.each(['../../x', '../../../etc/passwd', 'https://evil.example/keys', `${'a'.repeat(200)}`])(
        'kid injection %s',
        (kid) =>
            expectInvalidToken(bearer(mint({ key: { ...newSigningKey(), kid } })), /not among the tenant signing keys/),
    );

    it('expired beyond the clock skew', () => expectInvalidToken(bearer(mint({ expiresInSeconds: -300 })), /expired/));

    it('not yet valid beyond the clock skew', () =>
        expectInvalidToken(bearer(mint({ notBeforeSeconds: 300 })), /not yet valid/));

    it('wrong audience', () => expectInvalidToken(bearer(mint({ audience: 'api://someone-else' })), /audience/));

    it.each([graphAudience, '00000003-0000-0000-c000-000000000000'])('Graph-audience token (%s)', (audience) =>
        expectInvalidToken(bearer(mint({ audience })), /Microsoft Graph/),
    );

    it('wrong issuer host', () => expectInvalidToken(bearer(mint({ issuerHost: 'https://evil.example' })), /issuer/));

    it('v1 token whose issuer is on another host', async () => {
        await expectInvalidToken(bearer(mint({ version: 1, issuerHost: 'https://sts.evil.example' })), /issuer/);
    });

    it('another tenant (tid and iss)', () =>
        expectInvalidToken(bearer(mint({ tenantId: otherTenantId })), /another tenant/));

    it('our issuer but another tenant in tid', () =>
        expectInvalidToken(bearer(mint({ extraClaims: { tid: otherTenantId } })), /another tenant/));

    it('missing oid', () => expectInvalidToken(bearer(mint({ extraClaims: { oid: undefined } })), /oid/));

    it('missing tid', () => expectInvalidToken(bearer(mint({ extraClaims: { tid: undefined } })), /tid/));
});

describe('key rotation', () => {
    it('accepts a token signed with a new key once the JWKS lists it', async () => {
        const rotated = newSigningKey();
        const subject = createTokenValidator(validatorOptions({ jwksCooldownMs: 0 }));
        try {
            await subject.authenticate(bearer(mint()));
            const jwksFetches = server.hits.jwks;
            await expect(subject.authenticate(bearer(mint({ key: rotated })))).rejects.toMatchObject({ status: 401 });
            server.keys = [signingKey.publicJwk, rotated.publicJwk];
            const caller = await subject.authenticate(bearer(mint({ key: rotated })));
            expect(caller.objectId).toBe(alice.id);
            expect(server.hits.jwks).toBeGreaterThan(jwksFetches);
        } finally {
            server.keys = [signingKey.publicJwk];
        }
    });

    it('does not refetch the JWKS on every unknown kid within the cooldown', async () => {
        const subject = validator();
        await subject.authenticate(bearer(mint()));
        const jwksFetches = server.hits.jwks;
        for (let i = 0; i < 3; i += 1) {
            await expect(subject.authenticate(bearer(mint({ key: newSigningKey() })))).rejects.toMatchObject({
                status: 401,
            });
        }
        expect(server.hits.jwks - jwksFetches).toBeLessThanOrEqual(1);
    });
});

describe('a token verified before', () => {
    it('is accepted again until it expires, then refused as expired', async () => {
        let nowMs = Date.now();
        const subject = createTokenValidator(validatorOptions({ nowMs: () => nowMs }));
        const header = bearer(mint({ expiresInSeconds: 120 }));
        expect((await subject.authenticate(header)).objectId).toBe(alice.id);
        nowMs += 60_000;
        expect((await subject.authenticate(header)).objectId).toBe(alice.id);
        nowMs += 60_000 + CLOCK_SKEW_SECONDS * 1000 + 1_000;
        await expect(subject.authenticate(header)).rejects.toMatchObject({
            status: 401,
            message: expect.stringMatching(/expired/) as unknown,
        });
    });

    it('does not vouch for another token with the same claims and a forged signature', async () => {
        const subject = validator();
        const genuine = mint();
        await subject.authenticate(bearer(genuine));
        const [header, payload] = genuine.split('.');
        const forged = `${header}.${payload}.${crypto.randomBytes(256).toString('base64url')}`;
        await expect(subject.authenticate(bearer(forged))).rejects.toMatchObject({
            status: 401,
            message: expect.stringMatching(/signature is invalid/) as unknown,
        });
    });

    it('is remembered for less time than the signing keys are', () => {
        expect(() =>
            createTokenValidator(validatorOptions({ jwksCacheMaxAgeMs: 60_000, verifiedTokenMaxAgeMs: 60_000 })),
        ).toThrow(/verifiedTokenMaxAgeMs/);
    });
});

describe('identity provider unavailable', () => {
    it('503 serviceNotAvailable with Retry-After when the metadata endpoint is unreachable', async () => {
        const down = await unreachableOrigin();
        const error = await rejection(bearer(mint()), { authorityHost: down, fetchTimeoutMs: 2_000 });
        expect(error.status).toBe(503);
        expect(error.code).toBe('serviceNotAvailable');
        expect(error.headers['Retry-After']).toBeDefined();
    });

    it('does not cache a metadata failure: the next request fetches again and succeeds', async () => {
        const subject = validator();
        const before = server.hits.metadata;
        server.metadataStatus = 500;
        try {
            await expect(subject.authenticate(bearer(mint()))).rejects.toMatchObject({ status: 503 });
        } finally {
            server.metadataStatus = 200;
        }
        await expect(subject.authenticate(bearer(mint()))).resolves.toBeDefined();
        expect(server.hits.metadata - before).toBe(2);
    });

    it('503 when the JWKS endpoint fails', async () => {
        server.jwksStatus = 500;
        try {
            const error = await rejection(bearer(mint()));
            expect(error.status).toBe(503);
            expect(error.code).toBe('serviceNotAvailable');
        } finally {
            server.jwksStatus = 200;
        }
    });
});

describe('options', () => {
    it('refuses a Graph audience at creation', () => {
        expect(() => createTokenValidator(validatorOptions({ audiences: [graphAudience] }))).toThrow(/Graph/);
    });

    it('works with a trailing slash on the authority host', async () => {
        const subject = createTokenValidator(validatorOptions({ authorityHost: `${server.origin}/` }));
        await expect(subject.authenticate(bearer(mint()))).resolves.toBeDefined();
    });
});
