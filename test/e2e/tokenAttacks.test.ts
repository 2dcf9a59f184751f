import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { CompactSign, importJWK, type JWK } from 'jose';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { issuerFor } from '../../dev/identity/mintToken';
import { type DevSigningKey, loadSigningKeys, newSigningKey } from '../../dev/identity/signingKeys';
import { routeTable } from '../../src/http/routes/routeTable';
import { gatewayGraphToken } from '../../dev/graph-emulator/gatewayGraphToken';
import { envelopeProblems, nonEmptyTables, type RawRequest, type RawResponse, send } from '../support/rawHttp';
import { useLocalStack } from '../support/stack';

/**
 * Issue 7 item 3, token attacks: forged, stripped, re-signed and mis-addressed bearer tokens thrown at every protected
 * route of the REAL running gateway (local host + Graph emulator + Azurite). Every one must be refused with 401,
 * Graph's error envelope and a Bearer challenge; none may write a record or reach Graph. Each attack is built so that
 * it WOULD succeed if the check it targets were missing: claims grant every permission, and the requests name real
 * demo items with valid bodies (the last test shows the same requests with an honest token do get through).
 */

const [alice] = devTenant.users;
const otherTenantId = 'dc0ffee0-7e4a-4c6b-9d2f-0000000000ff';
const allPermissions = [
    'Calendars.ReadWrite',
    'BookingsAppointment.ReadWrite.All',
    'Subscriptions.ReadWrite.All',
    'Cancellations.Admin',
];
const enc = encodeURIComponent;
const b64 = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const segments = (token: string) => token.split('.') as [string, string, string];

// ---------- the protected routes, filled with real demo items ----------

interface RouteCase {
    readonly label: string;
    readonly method: string;
    readonly path: string;
    readonly body?: Buffer;
}

function fill(template: string): string {
    const parts = template.split('/');
    return parts
        .map((segment, i) => {
            const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
            if (name === undefined) return segment;
            const previous = parts[i - 1]?.toLowerCase();
            switch (name) {
                case 'version':
                    return parts[i + 1] === 'bookingBusinesses' ? 'beta' : 'v1.0';
                case 'owner':
                    return previous === 'groups' ? demoIds.salesGroupId : enc(alice.userPrincipalName);
                case 'seriesMasterId':
                    return demoIds.teamSyncId;
                case 'calendarId':
                    return demoIds.projectsCalendarId;
                case 'calendarGroupId':
                    return 'AAMkADdemo-calendar-group=';
                case 'eventId':
                    if (template.includes('/calendars/')) return demoIds.kickoffId;
                    return template.startsWith('{version}/groups/') ? demoIds.salesMeetingId : demoIds.budgetReviewId;
                case 'businessId':
                    return enc(demoIds.businessId);
                case 'appointmentId':
                    return demoIds.lunchAppointmentId;
                default:
                    return '3f0a5c1e-6b1d-4c3e-9a57-0d7c2b9e4f11';
            }
        })
        .join('/');
}

function bodyFor(template: string, method: string): Buffer | undefined {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    if (template.endsWith('events/{eventId}/cancel') || template.endsWith('calendarView/{eventId}/cancel')) {
        return json({ comment: 'token attack' });
    }
    if (template.endsWith('{appointmentId}/cancel')) return json({ cancellationMessage: 'token attack' });
    if (template === 'subscriptions' && method === 'POST') {
        return json({ notificationUrl: 'http://127.0.0.1:9/hook', eventTypes: ['event.cancelled'] });
    }
    if (template === 'subscriptions/{id}' && method === 'PATCH') return json({ enabled: false });
    if (template.endsWith('/recover')) return json({ since: '2020-01-01T00:00:00Z' });
    return undefined;
}

/**
 * Health and the OpenAPI document are anonymous by design, and so are Graph's callbacks (each item authenticated by
 * its subscription's clientState); everything else needs a token.
 */
const anonymous = new Set(['health', 'openapi.json', 'graph/notifications', 'graph/lifecycle']);
const protectedRoutes: readonly RouteCase[] = routeTable
    .filter((entry) => !anonymous.has(entry.route))
    .flatMap((entry) =>
        entry.methods.map((method) => {
            const body = bodyFor(entry.route, method);
            return {
                label: `${method} ${entry.route}`,
                method,
                path: `/api/${fill(entry.route)}`,
                ...(body ? { body } : {}),
            };
        }),
    );

// ---------- token building ----------

interface Context {
    /** Claims of an honest token: alice, every permission, issued by the stack's emulator for the gateway. */
    claims(): Record<string, unknown>;
    readonly realKey: DevSigningKey;
    /** A key the tenant never published. */
    readonly attackerKey: DevSigningKey;
    readonly issuerHost: string;
    /** Base URL of a server the attacker controls; it counts every request it gets. */
    readonly attackerUrl: string;
    /** A real app token for Microsoft Graph from the emulator's token endpoint (client credentials). */
    readonly graphAppToken: string;
}

async function rsSign(
    privateJwk: object,
    header: Record<string, unknown>,
    payload: Record<string, unknown> | string,
): Promise<string> {
    const alg = String(header.alg);
    const key = await importJWK(privateJwk as JWK, alg);
    const bytes = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    return new CompactSign(bytes).setProtectedHeader({ ...header, alg }).sign(key);
}

/** RS256 with the tenant's real signing key: every check but the one under attack passes. */
const signReal = (ctx: Context, claims: Record<string, unknown> | string, header: Record<string, unknown> = {}) =>
    rsSign(ctx.realKey.privateJwk, { alg: 'RS256', typ: 'JWT', kid: ctx.realKey.kid, ...header }, claims);

/** RS256 with the attacker's key, under whatever header the attack needs. */
const signAttacker = (ctx: Context, header: Record<string, unknown>, claims = ctx.claims()) =>
    rsSign(ctx.attackerKey.privateJwk, { alg: 'RS256', typ: 'JWT', ...header }, claims);

function hmac(ctx: Context, alg: 'HS256' | 'HS384', secret: Uint8Array): Promise<string> {
    return new CompactSign(Buffer.from(JSON.stringify(ctx.claims())))
        .setProtectedHeader({ alg, typ: 'JWT', kid: ctx.realKey.kid })
        .sign(secret);
}

function publicPem(key: DevSigningKey): string {
    return createPublicKey({ key: key.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

const unsigned = (header: Record<string, unknown>, claims: Record<string, unknown>, signature = '') =>
    `${b64(header)}.${b64(claims)}.${signature}`;

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** UTF-8 text as node:http must be given it for a header: its bytes as latin1. */
const utf8Header = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

type Expectation = 'invalid_token' | 'no_credentials' | 'refused_by_host';

interface Attack {
    readonly name: string;
    /** `invalid_token` unless said otherwise. */
    readonly expect?: Expectation;
    headers(ctx: Context): Promise<Record<string, string | string[]>> | Record<string, string | string[]>;
}

const attacks: readonly Attack[] = [
    // --- algorithm confusion
    { name: 'alg none, empty signature', headers: (c) => bearer(unsigned({ alg: 'none', typ: 'JWT' }, c.claims())) },
    {
        name: 'alg none, real signature kept',
        headers: async (c) => {
            const [, , signature] = segments(await signReal(c, c.claims()));
            return bearer(unsigned({ alg: 'none', typ: 'JWT', kid: c.realKey.kid }, c.claims(), signature));
        },
    },
    {
        name: 'alg "NoNe" with a kid',
        headers: (c) => bearer(unsigned({ alg: 'NoNe', kid: c.realKey.kid }, c.claims())),
    },
    {
        name: 'HS256 signed with the RSA public key (PEM)',
        headers: async (c) => bearer(await hmac(c, 'HS256', Buffer.from(publicPem(c.realKey)))),
    },
    {
        name: 'HS256 signed with the RSA public key (JWK JSON)',
        headers: async (c) => bearer(await hmac(c, 'HS256', Buffer.from(JSON.stringify(c.realKey.publicJwk)))),
    },
    {
        name: 'HS384 signed with the RSA modulus',
        headers: async (c) => bearer(await hmac(c, 'HS384', Buffer.from(String(c.realKey.publicJwk.n), 'base64url'))),
    },
    { name: 'PS256 with the real key', headers: async (c) => bearer(await signReal(c, c.claims(), { alg: 'PS256' })) },
    { name: 'RS512 with the real key', headers: async (c) => bearer(await signReal(c, c.claims(), { alg: 'RS512' })) },
    // --- kid injection and keys the tenant never published
    {
        name: 'kid ../../etc/passwd',
        headers: async (c) => bearer(await signAttacker(c, { kid: '../../etc/passwd' })),
    },
    {
        name: 'kid is a URL',
        headers: async (c) => bearer(await signAttacker(c, { kid: `${c.attackerUrl}/jwks.json` })),
    },
    {
        name: 'kid with SQL',
        headers: async (c) => bearer(await signAttacker(c, { kid: "' OR '1'='1'; DROP TABLE cancellations; --" })),
    },
    {
        name: 'kid with NUL, CRLF and a header',
        headers: async (c) => bearer(await signAttacker(c, { kid: 'x\u0000\r\nX-Injected: 1' })),
    },
    { name: 'kid of 8,000 characters', headers: async (c) => bearer(await signAttacker(c, { kid: 'k'.repeat(8000) })) },
    { name: 'kid as a number', headers: async (c) => bearer(await signAttacker(c, { kid: 1 })) },
    {
        name: 'the real kid, signed by another key',
        headers: async (c) => bearer(await signAttacker(c, { kid: c.realKey.kid })),
    },
    {
        name: 'signed by a key not in the JWKS',
        headers: async (c) => bearer(await signAttacker(c, { kid: c.attackerKey.kid })),
    },
    {
        name: 'no kid, signed by the real key',
        headers: async (c) => bearer(await rsSign(c.realKey.privateJwk, { alg: 'RS256', typ: 'JWT' }, c.claims())),
    },
    {
        name: 'attacker key embedded as jwk (attacker kid)',
        headers: async (c) =>
            bearer(await signAttacker(c, { kid: c.attackerKey.kid, jwk: { ...c.attackerKey.publicJwk } })),
    },
    {
        name: 'attacker key embedded as jwk (real kid)',
        headers: async (c) =>
            bearer(
                await signAttacker(c, { kid: c.realKey.kid, jwk: { ...c.attackerKey.publicJwk, kid: c.realKey.kid } }),
            ),
    },
    {
        name: 'jku pointing to the attacker',
        headers: async (c) =>
            bearer(await signAttacker(c, { kid: c.attackerKey.kid, jku: `${c.attackerUrl}/jwks.json` })),
    },
    {
        name: 'x5u pointing to the attacker',
        headers: async (c) => bearer(await signAttacker(c, { kid: c.realKey.kid, x5u: `${c.attackerUrl}/cert.pem` })),
    },
    {
        // jose refuses to sign this header, so it is signed by hand, with the real key.
        name: 'crit header with an unknown extension',
        headers: (c) => {
            const header = { alg: 'RS256', typ: 'JWT', kid: c.realKey.kid, crit: ['exp-override'], 'exp-override': 1 };
            const input = `${b64(header)}.${b64(c.claims())}`;
            const key = createPrivateKey({ key: c.realKey.privateJwk, format: 'jwk' });
            return bearer(`${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`);
        },
    },
    // --- lifetime
    {
        name: 'expired an hour ago',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), exp: now() - 3600 })),
    },
    {
        name: 'expired, beyond the clock skew only',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), exp: now() - 120 })),
    },
    {
        name: 'nbf an hour from now',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), nbf: now() + 3600 })),
    },
    {
        name: 'no exp',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), exp: undefined })),
    },
    {
        name: 'exp as a string',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), exp: String(now() + 3600) })),
    },
    // --- audience, issuer, tenant
    {
        name: 'wrong aud',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), aud: 'api://someone-else' })),
    },
    {
        name: 'aud https://graph.microsoft.com',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), aud: graphAudience })),
    },
    {
        name: 'aud 00000003-0000-0000-c000-000000000000',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), aud: '00000003-0000-0000-c000-000000000000' })),
    },
    {
        name: 'aud [Graph, the gateway]',
        headers: async (c) =>
            bearer(await signReal(c, { ...c.claims(), aud: [graphAudience, devTenant.gatewayApi.clientId] })),
    },
    { name: "the emulator's own Graph app token", headers: (c) => bearer(c.graphAppToken) },
    {
        name: 'wrong iss host',
        headers: async (c) =>
            bearer(await signReal(c, { ...c.claims(), iss: issuerFor('https://evil.example', devTenant.tenantId, 2) })),
    },
    {
        name: 'iss of another tenant',
        headers: async (c) =>
            bearer(await signReal(c, { ...c.claims(), iss: issuerFor(c.issuerHost, otherTenantId, 2) })),
    },
    {
        name: 'tid of another tenant',
        headers: async (c) => bearer(await signReal(c, { ...c.claims(), tid: otherTenantId })),
    },
    {
        name: 'another tenant (iss and tid)',
        headers: async (c) =>
            bearer(
                await signReal(c, {
                    ...c.claims(),
                    tid: otherTenantId,
                    iss: issuerFor(c.issuerHost, otherTenantId, 2),
                }),
            ),
    },
    // --- duplicate claims: RFC 7519 §4 allows the lexically last to win, so the last one must be the one checked
    {
        name: 'duplicate aud, the last one Graph',
        headers: async (c) => bearer(await signReal(c, duplicateLast(c.claims(), 'aud', graphAudience))),
    },
    {
        name: 'duplicate tid, the last one another tenant',
        headers: async (c) => bearer(await signReal(c, duplicateLast(c.claims(), 'tid', otherTenantId))),
    },
    {
        name: 'duplicate exp, the last one past',
        headers: async (c) => bearer(await signReal(c, duplicateLast(c.claims(), 'exp', now() - 3600))),
    },
    // --- signature
    {
        name: 'stripped signature (header.payload.)',
        headers: async (c) => {
            const [header, payload] = segments(await signReal(c, c.claims()));
            return bearer(`${header}.${payload}.`);
        },
    },
    {
        name: 'stripped signature (header.payload)',
        headers: async (c) => {
            const [header, payload] = segments(await signReal(c, c.claims()));
            return bearer(`${header}.${payload}`);
        },
    },
    {
        name: "another token's signature",
        headers: async (c) => {
            const [header, payload] = segments(await signReal(c, c.claims()));
            const [, , signature] = segments(await signReal(c, { ...c.claims(), scp: 'User.Read' }));
            return bearer(`${header}.${payload}.${signature}`);
        },
    },
    {
        name: 'payload swapped under a real signature',
        headers: async (c) => {
            const [header, , signature] = segments(await signReal(c, { ...c.claims(), scp: 'User.Read' }));
            return bearer(`${header}.${b64(c.claims())}.${signature}`);
        },
    },
    {
        name: 'signature bytes flipped',
        headers: async (c) => {
            const [header, payload, signature] = segments(await signReal(c, c.claims()));
            const bytes = Buffer.from(signature, 'base64url');
            bytes[0] = (bytes[0] ?? 0) ^ 0xff;
            return bearer(`${header}.${payload}.${bytes.toString('base64url')}`);
        },
    },
    // --- size and encoding
    {
        name: 'oversized token (12 KB of claims) signed by another key',
        headers: async (c) =>
            bearer(await signAttacker(c, { kid: c.attackerKey.kid }, { ...c.claims(), pad: 'p'.repeat(9000) })),
    },
    {
        // Node (like Kestrel in Azure) refuses a request head this large with 431 before any function runs.
        name: 'oversized token (100 KB)',
        expect: 'refused_by_host',
        headers: async (c) =>
            bearer(await signAttacker(c, { kid: c.realKey.kid }, { ...c.claims(), pad: 'p'.repeat(100_000) })),
    },
    {
        name: 'non-ASCII inside a real token',
        headers: async (c) => {
            const [header, payload, signature] = segments(await signReal(c, c.claims()));
            return { Authorization: utf8Header(`Bearer ${header}.${payload}é.${signature}`) };
        },
    },
    {
        name: 'non-ASCII token (Cyrillic, RTL mark, emoji)',
        headers: () => ({ Authorization: utf8Header('Bearer жжж.\u202Eabc.😀😀') }),
    },
    {
        name: 'two Authorization headers, a forged one first',
        headers: async (c) => ({
            Authorization: [
                `Bearer ${unsigned({ alg: 'none' }, c.claims())}`,
                `Bearer ${await signReal(c, c.claims())}`,
            ],
        }),
    },
    {
        // The host joins repeated headers as Kestrel does; one valid token must not vouch for a forged one.
        name: 'two Authorization headers, the valid one first',
        headers: async (c) => ({
            Authorization: [
                `Bearer ${await signReal(c, c.claims())}`,
                `Bearer ${unsigned({ alg: 'none' }, c.claims())}`,
            ],
        }),
    },
    // --- no bearer credentials at all: RFC 6750 §3.1, a challenge without an error code
    { name: 'no Authorization header', expect: 'no_credentials', headers: () => ({}) },
    {
        name: 'Basic credentials',
        expect: 'no_credentials',
        headers: () => ({ Authorization: `Basic ${Buffer.from('alice:password').toString('base64')}` }),
    },
];

function now(): number {
    return Math.floor(Date.now() / 1000);
}

/** The claims as JSON text with `name` given twice: first its honest value, last `value`. */
function duplicateLast(claims: Record<string, unknown>, name: string, value: unknown): string {
    const text = JSON.stringify(claims);
    return `${text.slice(0, -1)},${JSON.stringify(name)}:${JSON.stringify(value)}}`;
}

// ---------- the test ----------

describe('token attacks (issue 7 item 3): every forged or misdirected token is refused on every protected route', () => {
    const fixture = useLocalStack();
    let ctx: Context;
    let attackerServer: http.Server;
    let attackerHits: string[] = [];
    let tried = 0;
    let passed = 0;
    /** Connections Node reset after refusing an oversized head instead of letting the 431 be read. */
    let resets = 0;

    beforeAll(async () => {
        attackerServer = http.createServer((req, res) => {
            attackerHits.push(`${req.method} ${req.url}`);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end('{"keys":[]}');
        });
        await new Promise<void>((resolve) => attackerServer.listen(0, '127.0.0.1', resolve));
        const attackerUrl = `http://127.0.0.1:${(attackerServer.address() as AddressInfo).port}`;

        const { stack } = fixture;
        const graphAppToken = await gatewayGraphToken(stack.emulatorTlsUrl);

        const realKey = loadSigningKeys()[0];
        if (!realKey) throw new Error('no development signing key');
        ctx = {
            claims: () => {
                const token = stack.token({ user: alice.userPrincipalName, scp: allPermissions });
                return JSON.parse(Buffer.from(segments(token)[1], 'base64url').toString('utf8')) as Record<
                    string,
                    unknown
                >;
            },
            realKey,
            attackerKey: newSigningKey(),
            issuerHost: stack.emulatorTlsUrl,
            attackerUrl,
            graphAppToken,
        };
    }, 30_000);

    afterAll(async () => {
        await new Promise((resolve) => attackerServer?.close(resolve));
        console.log(
            `token attacks: tried ${tried} (${attacks.length} attacks × ${protectedRoutes.length} routes), ` +
                `passed ${passed}${resets > 0 ? ` (${resets} oversized heads answered by a connection reset)` : ''}`,
        );
    });

    /** What is wrong with the gateway's answer to an attack; empty when nothing is. */
    function problemsWith(expectation: Expectation, response: RawResponse, token: string): string[] {
        if (expectation === 'refused_by_host') {
            return response.status === 431 ? [] : [`status ${response.status}, expected the host's 431`];
        }
        const problems: string[] = [];
        if (response.status !== 401) problems.push(`status ${response.status}, expected 401`);
        problems.push(...envelopeProblems(response));
        const code = (JSON.parse(response.text || '{}') as { error?: { code?: string } }).error?.code;
        if (code !== 'InvalidAuthenticationToken') problems.push(`error.code ${String(code)}`);
        if (!response.headers['request-id']) problems.push('no request-id header');
        const challenge = String(response.headers['www-authenticate'] ?? '');
        if (!/^Bearer realm="cancel-gateway", authorization_uri="[^"]+", resource_id="[^"]+"/.test(challenge)) {
            problems.push(`challenge ${JSON.stringify(challenge)}`);
        }
        const hasError = challenge.includes('error="invalid_token"');
        if (expectation === 'invalid_token' && !hasError) problems.push('challenge without error="invalid_token"');
        if (expectation === 'no_credentials' && /error=/.test(challenge)) problems.push('challenge with an error code');
        // The token (or its signature) is never echoed back.
        const secretPart = token.split('.')[2] ?? '';
        if (secretPart.length > 16 && (response.text.includes(secretPart) || challenge.includes(secretPart))) {
            problems.push('the token is echoed in the answer');
        }
        return problems;
    }

    /** Sends one request, tolerating the reset Node may do after answering a head it refused. */
    async function attempt(request: RawRequest, expectation: Expectation): Promise<RawResponse> {
        try {
            return await send(fixture.stack.gatewayUrl, request);
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (expectation === 'refused_by_host' && (code === 'ECONNRESET' || code === 'EPIPE')) {
                resets++;
                return { status: 431, headers: {}, text: '' };
            }
            throw error;
        }
    }

    it.each(attacks.map((a) => [a.name, a] as const))('%s', async (_name, attack) => {
        const { stack, admin } = fixture;
        const expectation = attack.expect ?? 'invalid_token';
        const headers = await attack.headers(ctx);
        const token = [headers.Authorization ?? ''].flat().join(' ');
        await admin.clearRequests();
        attackerHits = [];

        const failures: string[] = [];
        await Promise.all(
            protectedRoutes.map(async (route) => {
                const request: RawRequest = {
                    method: route.method,
                    path: route.path,
                    headers: { ...headers, ...(route.body ? { 'Content-Type': 'application/json' } : {}) },
                    body: route.body,
                };
                tried++;
                const response = await attempt(request, expectation);
                const problems = problemsWith(expectation, response, token);
                if (problems.length === 0) passed++;
                else
                    failures.push(
                        `${route.label} → ${response.status}: ${problems.join('; ')}\n  ${response.text.slice(0, 300)}`,
                    );
            }),
        );
        expect(failures).toEqual([]);
        // Nothing reached Graph (not even a directory lookup), nothing was stored, the attacker's URLs were never fetched.
        expect(await admin.calls()).toEqual([]);
        expect(await nonEmptyTables(stack.storageConnectionString)).toEqual({});
        expect(attackerHits).toEqual([]);
    });

    it('the same requests with an honest token get past authentication (so the attacks above could succeed)', async () => {
        const { stack } = fixture;
        const token = await signReal(ctx, ctx.claims());
        const answers: string[] = [];
        // One at a time: the emulator's per-mailbox concurrency limit would otherwise throttle the cancels.
        for (const route of protectedRoutes) {
            const response = await send(stack.gatewayUrl, {
                method: route.method,
                path: route.path,
                headers: { ...bearer(token), ...(route.body ? { 'Content-Type': 'application/json' } : {}) },
                body: route.body,
            });
            answers.push(`${route.label} → ${response.status}`);
        }
        expect(answers.filter((a) => / → (401|5\d\d)$/.test(a))).toEqual([]);
        // The very first cancel went through to Graph.
        expect((await fixture.admin.calls()).some((c) => /^POST .*\/cancel$/i.test(c))).toBe(true);
    });
});
