import fc from 'fast-check';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { routeTable } from '../../src/http/routes/routeTable';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { countEntities, envelopeProblems, type RawRequest, type RawResponse, send } from '../support/rawHttp';
import { type LocalStack, startLocalStack } from '../support/stack';

/**
 * Issue 3 item 7 "Bad input" and issue 7 item 3: hostile methods, paths, ids, headers and bodies thrown at the REAL
 * running gateway (local host + Graph emulator + Azurite), over every route of the route table, with and without
 * tokens that open the way to the handlers' own parsing. Every answer must be below 500, carry `request-id`, and
 * every error must be Graph's envelope; nothing may change: no cancellation record, no `POST …/cancel` to Graph,
 * demo items intact. Requests go out through node:http so paths, duplicate headers and body bytes reach the gateway
 * exactly as built.
 */

const [alice, bob] = devTenant.users;
const randomRuns = 300;
const bodyRuns = 150;
/** The host's own request body limit, as `local.settings.sample.json` (and so `npm start`) sets it. */
const hostBodyLimit = 1024 * 1024;
/** The app's limit on cancel and management bodies (src/http/body.ts). */
const appBodyLimit = 64 * 1024;

/** What is wrong with a response by the standard of item 7 (empty when nothing is). */
function problemsWith(request: RawRequest, response: RawResponse): string[] {
    const problems: string[] = [];
    if (response.status >= 500) problems.push(`status ${response.status} (5xx)`);
    // `/api/../x` and `/api/%2E%2E/x` normalize (WHATWG URL, as the host parses) to a path outside `/api/`, which no
    // function of the app serves: the host's own empty 404 answers there, so only "no 5xx" applies.
    if (!/^\/api(\/|$)/i.test(new URL(request.path, 'http://gateway').pathname)) return problems;
    // A body over the host's limit is refused by the host itself (as the Functions host does in Azure): an empty 413
    // before any function runs, so no envelope or request-id is possible; it must still be that 413 and nothing else.
    const refusedByHost = response.status === 413 && !response.headers['request-id'];
    if ((request.body?.length ?? 0) > hostBodyLimit && refusedByHost) return problems;
    if (!response.headers['request-id']) problems.push('no request-id header');
    if (response.status >= 400 && request.method !== 'HEAD') problems.push(...envelopeProblems(response));
    if (response.status === 405) {
        const allow = response.headers.allow;
        if (!allow) problems.push('405 without Allow');
        else if (allow.split(/,\s*/).includes(request.method)) problems.push(`405 but Allow lists ${request.method}`);
    }
    if (response.status === 401 && !response.headers['www-authenticate']) problems.push('401 without WWW-Authenticate');
    return problems;
}

function describeRequest(request: RawRequest): string {
    const body =
        request.body === undefined
            ? '(none)'
            : request.body.length > 300
              ? `${request.body.length} bytes starting ${JSON.stringify(request.body.subarray(0, 120).toString('utf8'))}`
              : JSON.stringify(request.body.toString('utf8'));
    const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
            k,
            (Array.isArray(v) ? v : [v]).map((x) => (x.length > 120 ? `${x.slice(0, 60)}…(${x.length} chars)` : x)),
        ]),
    );
    const path =
        request.path.length > 400 ? `${request.path.slice(0, 200)}…(${request.path.length} chars)` : request.path;
    return `${request.method} ${path}\nheaders: ${JSON.stringify(headers)}\nbody: ${body}`;
}

// ---------- arbitraries ----------

const enc = encodeURIComponent;
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const printableString = (maxLength: number) => fc.string({ unit: printable, maxLength });

/** Ids as they appear on the wire: hostile ones, plus well-formed ones that name nothing in the tenant. */
const hostileId: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom(
        '',
        '%20',
        '+',
        '.',
        '..',
        '%2E',
        '%2E%2E',
        '%2e%2e',
        '%2F',
        'a%2Fb',
        '%2E%2E%2F%2E%2E%2Fhealth',
        '..%2F..%2Fcancellations',
        '%00',
        'a%00b',
        '%5C',
        'a%5Cb',
        '%3F',
        '%23',
        '%25',
        '%0A',
        '%7F',
        '@',
        '%40',
        'a@b',
        'x%20y',
        '%E2%80%AE',
        'AAMkAD%2F..%2F..',
        "'",
        '%27%20or%201%3D1',
        '%7B%7D',
        '~',
        '*',
        // double encoding: decoded once they are still %-escapes, never a separator
        '%252F',
        'a%252F..%252Fb',
        '%252E%252E',
        '%2500',
        '%2525',
        '%25252F',
        // overlong and invalid UTF-8 ('/' and '.' in disguise, lone surrogates, truncated sequences)
        '%C0%AF',
        '%C0%AE%C0%AE%C0%AF',
        '%E0%80%AF',
        '%F0%80%80%AF',
        '%C1%9C',
        '%ED%A0%80',
        '%FF%FE',
        '%C3',
        'a%E2%82',
        // unicode look-alikes and invisibles
        enc('\u2215'),
        enc('\uFF0F'),
        enc('\u2024\u2024'),
        enc('\uFEFF'),
        enc('\u200B'),
        enc('\u202E\u2066evil\u2069'),
        enc('\u05E9\u05DC\u05D5\u05DD'),
        enc('\u0627\u0644\u0633\u0644\u0627\u0645'),
        enc('\uD83D\uDE00'),
        enc('\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67'),
        enc('e\u0301\u0301\u0301'),
        enc('\uFFFF'),
        enc('\u{10FFFF}'),
        enc('AAMkAD\u0000x='),
        enc('\u00E9'.normalize('NFD')),
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map(enc),
    fc.integer({ min: 1025, max: 5000 }).map((n) => 'A'.repeat(n)),
    fc.integer({ min: 2000, max: 5000 }).map((n) => 'B'.repeat(n)),
    fc.integer({ min: 1025, max: 1500 }).map((n) => enc('é'.repeat(n))),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map(enc),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).map((s) => enc(s.replace(/[\uD800-\uDFFF]/g, '?'))),
    printableString(12).map((s) => enc(s)),
);

/** Well-formed ids that exist nowhere, so a request that passes every check still only meets Graph's 404. */
const missingId = fc.stringMatching(/^AAMkADfuzz-[A-Za-z0-9_-]{1,20}=$/);

const anyId = fc.oneof({ weight: 1, arbitrary: hostileId }, { weight: 2, arbitrary: missingId });

const version = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('v1.0', 'beta') },
    { weight: 1, arbitrary: fc.constantFrom('V1.0', 'BETA', 'v2.0', 'v1', '1.0', 'v1.0.0', '%76%31%2E%30', 'beta%00') },
    { weight: 1, arbitrary: printableString(6).map(enc) },
);

/** Values for named route parameters; real tenant ids where they only open the way to a missing item. */
function paramValue(name: string): fc.Arbitrary<string> {
    switch (name) {
        case 'version':
            return version;
        case 'owner':
            return fc.oneof(
                {
                    weight: 1,
                    arbitrary: fc.constantFrom(enc(alice.userPrincipalName), alice.id, demoIds.salesGroupId),
                },
                { weight: 1, arbitrary: fc.constantFrom(enc(bob.userPrincipalName), 'nobody%40contoso.test') },
                { weight: 2, arbitrary: anyId },
            );
        case 'businessId':
            return fc.oneof(fc.constant(enc(demoIds.businessId)), fc.constant(demoIds.businessId), anyId);
        case 'calendarId':
            return fc.oneof(fc.constant(demoIds.projectsCalendarId), anyId);
        default:
            // eventId, appointmentId, seriesMasterId, calendarGroupId, id: never a real item
            return anyId;
    }
}

function fillTemplate(template: string): fc.Arbitrary<string> {
    const segments = template.split('/');
    return fc
        .tuple(
            ...segments.map((segment) => {
                const param = /^\{([^}]+)\}$/.exec(segment);
                if (param) return paramValue(param[1]!);
                return fc.oneof(
                    { weight: 6, arbitrary: fc.constant(segment) },
                    { weight: 1, arbitrary: fc.constant(segment.toUpperCase()) },
                );
            }),
        )
        .map((parts) => parts.join('/'));
}

const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** A path of one route of the table, with mostly one of its own methods so the handler runs, sometimes any other. */
const routeRequest = fc.oneof(
    ...routeTable.map((entry) =>
        fc.record({
            path: fillTemplate(entry.route),
            method: fc.oneof(
                { weight: 5, arbitrary: fc.constantFrom(...entry.methods) },
                { weight: 1, arbitrary: fc.constantFrom(...httpMethods) },
            ),
        }),
    ),
);

const query = fc.oneof(
    { weight: 4, arbitrary: fc.constant('') },
    {
        weight: 1,
        arbitrary: fc
            .record({
                state: fc.constantFrom('pending', 'accepted', 'bogus', ''),
                since: fc.constantFrom(
                    '2020-01-01T00:00:00Z',
                    'yesterday',
                    '0000-01-01T00:00:00Z',
                    '9999-12-31T23:59:59+14:00',
                ),
                $top: fc.constantFrom('1', '0', '-1', '201', '1e9', 'abc', '200'),
                $skiptoken: fc.oneof(printableString(40), fc.constantFrom('a', '%00', '!!!', 'eyJ0Ijoi')),
            })
            .chain((q) =>
                fc
                    .subarray(Object.entries(q))
                    .map((entries) => `?${entries.map(([k, v]) => `${k}=${enc(v)}`).join('&')}`),
            ),
    },
    { weight: 1, arbitrary: fc.constantFrom('?$select=id', '?a=1&a=2', '?%zz', '?comment=x') },
);

const junkPath = fc.oneof(
    fc.constantFrom('', '/', 'v1.0', 'v1.0/me', 'v1.0/me/events', 'beta/me/events/x', 'v1.0/me/events/x/cancel/extra'),
    fc.constantFrom('v1.0/me/events/x/cancel/', 'v1.0//me/events/x/cancel', 'cancellations/', 'health/x', 'HEALTH'),
    fc.constantFrom('v1.0/me/events/x/decline', 'v1.0/users', '$batch', 'v1.0/$batch', '.well-known/x', 'admin'),
    fc.array(fc.oneof(hostileId, printableString(10).map(enc)), { minLength: 1, maxLength: 8 }).map((s) => s.join('/')),
);

const target = fc
    .tuple(
        fc.oneof({ weight: 6, arbitrary: fc.constant('/api/') }, { weight: 1, arbitrary: fc.constant('/API/') }),
        fc.oneof(
            { weight: 5, arbitrary: routeRequest },
            {
                weight: 1,
                arbitrary: fc.record({
                    path: junkPath,
                    method: fc.oneof(
                        { weight: 3, arbitrary: fc.constantFrom('POST', 'GET') },
                        { weight: 1, arbitrary: fc.constantFrom(...httpMethods) },
                    ),
                }),
            },
        ),
        query,
    )
    .map(([prefix, { path, method }, q]) => ({ path: prefix + path + q, method }));

type TokenKind =
    | 'alice'
    | 'admin'
    | 'aliceNoScope'
    | 'aliceTampered'
    | 'none'
    | 'garbage'
    | 'otherScheme'
    | 'twoTokens'
    | 'duplicateBadFirst'
    | 'duplicateSame'
    | 'huge';
const tokenKind: fc.Arbitrary<TokenKind> = fc.oneof(
    // alice may cancel; "admin" (alice with every permission of the gateway) also reaches the management handlers
    { weight: 7, arbitrary: fc.constant<TokenKind>('alice') },
    { weight: 7, arbitrary: fc.constant<TokenKind>('admin') },
    {
        weight: 2,
        arbitrary: fc.constantFrom<TokenKind>(
            'aliceNoScope',
            'aliceTampered',
            'none',
            'garbage',
            'otherScheme',
            'twoTokens',
            'duplicateBadFirst',
            'duplicateSame',
            'huge',
        ),
    },
);

const contentType = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    {
        weight: 3,
        arbitrary: fc.constantFrom(
            undefined,
            'text/plain',
            'APPLICATION/JSON',
            'multipart/form-data; boundary=xyz',
            'application/x-www-form-urlencoded',
            'application/jsonx',
            'application/json-patch+json',
            '',
            ';',
        ),
    },
);

const idempotencyKey = fc.oneof(
    { weight: 6, arbitrary: fc.constant<string | string[] | undefined>(undefined) },
    {
        weight: 1,
        arbitrary: fc.constantFrom<string | string[] | undefined>(
            ['"dup-1"', '"dup-2"'],
            ['"same"', '"same"'],
            '',
            '""',
            '"unterminated',
            '"a"b"',
            `"${'k'.repeat(300)}"`,
            '\té\t',
        ),
    },
    { weight: 1, arbitrary: fc.uuid().map((u) => `"fuzz-${u}"`) },
);

const oversizedHeader = fc.oneof(
    { weight: 5, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 8000 }).map((n) => ({ 'X-Junk': 'j'.repeat(n) })) },
    { weight: 1, arbitrary: printableString(60).map((v) => ({ 'client-request-id': v })) },
    { weight: 1, arbitrary: fc.constant({ 'Content-Encoding': 'gzip' }) },
    { weight: 1, arbitrary: fc.constant({ 'Transfer-Encoding': 'chunked' }) },
);

const jsonText = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** Shows a body as its size and first bytes in fast-check's counterexamples (a 60 KB body would drown the report). */
function compact(bytes: Buffer): Buffer {
    if (fc.toStringMethod in bytes) return bytes; // constant bodies come back again and again
    const head = JSON.stringify(bytes.subarray(0, 60).toString('utf8'));
    return Object.defineProperty(bytes, fc.toStringMethod, { value: () => `<${bytes.length} bytes: ${head}…>` });
}

function deepNest(depth: number, open: string, close: string, inner = '1'): string {
    return open.repeat(depth) + inner + close.repeat(depth);
}

/** 10,000 levels of `[[[…]]]` and `{"a":{"a":…}}`, alone and under every parameter name the handlers read. */
const deepBodies: readonly Buffer[] = [
    Buffer.from(deepNest(10_000, '[', ']')),
    Buffer.from(deepNest(10_000, '{"a":', '}')),
    ...['comment', 'cancellationMessage', 'notificationUrl', 'eventTypes', 'clientState', 'enabled', 'since'].flatMap(
        (key) => [
            Buffer.from(`{"${key}":${deepNest(10_000, '[', ']')}}`),
            Buffer.from(`{"${key}":${deepNest(10_000, '{"a":', '}')}}`),
        ],
    ),
    // past the subscription URL check, so the later properties' own validation meets the nesting
    ...['eventTypes', 'clientState', 'description'].map((key) =>
        Buffer.from(
            `{"notificationUrl":"http://127.0.0.1:9/hooks/deep",` +
                `${key === 'eventTypes' ? '' : '"eventTypes":["event.cancelled"],'}"${key}":${deepNest(10_000, '[', ']')}}`,
        ),
    ),
];

/** A JSON object of exactly `bytes` bytes: `{"<key>":"xxxx…"}`, padded with `fill` (ASCII or a multi-byte char). */
function jsonOfSize(bytes: number, key = 'comment', fill = 'x'): Buffer {
    const frame = Buffer.byteLength(`{"${key}":""}`);
    const unit = Buffer.byteLength(fill);
    const units = Math.floor((bytes - frame) / unit);
    const text = `{"${key}":"${fill.repeat(units)}${'y'.repeat(bytes - frame - units * unit)}"}`;
    return Buffer.from(text);
}

/** Bodies just under, at and just over the app's 64 KiB limit and the host's 1 MiB limit. */
const boundaryBodies: readonly Buffer[] = [
    jsonOfSize(appBodyLimit - 1),
    jsonOfSize(appBodyLimit),
    jsonOfSize(appBodyLimit + 1),
    jsonOfSize(appBodyLimit, 'comment', '\u00E9'),
    jsonOfSize(appBodyLimit + 1, 'comment', '\uD83D\uDE00'),
    jsonOfSize(appBodyLimit, 'notificationUrl'),
    jsonOfSize(hostBodyLimit - 1),
    jsonOfSize(hostBodyLimit),
    jsonOfSize(hostBodyLimit + 1),
];

const body: fc.Arbitrary<Buffer | undefined> = fc
    .oneof(
        fc.constant(undefined),
        fc.constant(Buffer.alloc(0)),
        // valid objects with the real parameters (only ever sent at missing items) ...
        fc.record({ comment: fc.string() }, { requiredKeys: [] }).map(jsonText),
        fc.record({ cancellationMessage: fc.string() }, { requiredKeys: [] }).map(jsonText),
        // ... unknown keys, wrong types, both spellings
        fc.dictionary(printableString(12), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 }).map(jsonText),
        fc
            .record({
                key: fc.constantFrom('comment', 'Comment', 'cancellationMessage', 'COMMENT'),
                value: fc.oneof(
                    fc.integer(),
                    fc.boolean(),
                    fc.array(fc.string()),
                    fc.object({ maxDepth: 2 }),
                    fc.double(),
                ),
            })
            .map(({ key, value }) => jsonText({ [key]: value })),
        fc.constant(Buffer.from('{"comment":"a","Comment":"b"}')),
        fc.constant(Buffer.from('{"comment":"a","comment":"b"}')),
        fc.constant(Buffer.from('{"__proto__":{"comment":"x"}}')),
        fc.constant(Buffer.from('{"constructor":"x","toString":"y"}')),
        fc.constant(Buffer.from('{"comment":"\\ud800"}')),
        // arrays, primitives, deep nesting
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }).map(jsonText),
        fc.constantFrom('null', '1', '"comment"', 'true', '[]', '{}', ' \n\t ').map((s) => Buffer.from(s)),
        fc.integer({ min: 100, max: 20_000 }).map((d) => Buffer.from(`{"comment":${deepNest(d, '{"a":', '}')}}`)),
        fc.integer({ min: 100, max: 30_000 }).map((d) => Buffer.from(deepNest(d, '[', ']'))),
        fc.constantFrom(...deepBodies),
        // over (and right at) the 64 KiB limit
        fc.integer({ min: 64 * 1024 - 14, max: 200 * 1024 }).map((n) => jsonText({ comment: 'x'.repeat(n) })),
        fc.integer({ min: 64 * 1024 + 1, max: 100 * 1024 }).map((n) => Buffer.alloc(n, 0x20)),
        fc.constantFrom(...boundaryBodies),
        // not JSON at all
        fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
        fc
            .constantFrom('{', '{"comment":', "{'comment':'x'}", '\uFEFF{}', 'comment=x', '--xyz\r\n\r\n--xyz--')
            .map((s) => Buffer.from(s)),
        fc.constant(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])),
    )
    .map((bytes) => (bytes === undefined ? undefined : compact(bytes)));

interface Case {
    readonly method: string;
    readonly path: string;
    readonly token: TokenKind;
    readonly contentType: string | undefined;
    readonly idempotencyKey: string | string[] | undefined;
    readonly extraHeaders: Record<string, string>;
    readonly duplicateContentType: boolean;
    readonly body: Buffer | undefined;
}

/** Node refuses a request head over 16 KiB with its own 431 before any function runs: stay below that. */
const maxHeadBytes = 14 * 1024;

const hostileCase: fc.Arbitrary<Case> = fc
    .record({
        target,
        token: tokenKind,
        contentType,
        idempotencyKey,
        extraHeaders: oversizedHeader,
        duplicateContentType: fc.boolean(),
        body,
    })
    .map(({ target: { method, path }, ...rest }): Case => ({ method, path, ...rest }))
    .filter(
        (c) =>
            c.path.length +
                (c.token === 'huge' ? 9_100 : c.token.startsWith('duplicate') ? 2_400 : 1_200) +
                Object.values(c.extraHeaders).join('').length <
            maxHeadBytes,
    );

// ---------- the test ----------

describe('hostile input (issue 3 item 7): never a 5xx, always Graph-shaped, nothing changes', () => {
    let stack: LocalStack;
    let admin: ReturnType<typeof emulatorAdmin>;
    let aliceToken: string;
    let adminToken: string;
    /** A real webhook subscription, so PATCH, rotateSecret and recover bodies reach the service's own validation. */
    let subscriptionId: string;
    let before: string;
    /** Per property: requests sent (runs and shrinks) and how many met every expectation. */
    const tally = new Map<string, { tried: number; passed: number }>();
    const statuses = new Map<number, number>();
    const count = (property: string, ok: boolean, status: number) => {
        const entry = tally.get(property) ?? { tried: 0, passed: 0 };
        entry.tried++;
        if (ok) entry.passed++;
        tally.set(property, entry);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
    };
    /** For checks that count the request first and learn only later that it met every expectation. */
    const passedOne = (property: string) => {
        const entry = tally.get(property);
        if (entry) entry.passed++;
    };

    const missingEvent = 'v1.0/me/events/AAMkADfuzz-not-there=/cancel';
    const missingAppointment = `v1.0/solutions/bookingBusinesses/${enc(demoIds.businessId)}/appointments/AAMkADfuzz-nope=/cancel`;
    const json = { 'Content-Type': 'application/json' };

    const demoState = async () =>
        JSON.stringify({
            alice: await admin.events(alice.userPrincipalName),
            bob: await admin.events(bob.userPrincipalName),
            appointments: await admin.appointments(demoIds.businessId),
        });

    const cancellationRecords = () => countEntities(stack.storageConnectionString, 'cancellations');

    const cancelCalls = async () => (await admin.calls()).filter((c) => /^POST .*\/cancel$/i.test(c));

    const authorization = (kind: TokenKind): Record<string, string | string[]> => {
        switch (kind) {
            case 'alice':
                return { Authorization: `Bearer ${aliceToken}` };
            case 'admin':
                return { Authorization: `Bearer ${adminToken}` };
            case 'aliceNoScope':
                return {
                    Authorization: `Bearer ${stack.token({ user: alice.userPrincipalName, scp: ['User.Read'] })}`,
                };
            case 'aliceTampered':
                return { Authorization: `Bearer ${aliceToken.slice(0, -6)}AAAAAA` };
            case 'none':
                return {};
            case 'garbage':
                return { Authorization: 'Bearer not.a.jwt!' };
            case 'otherScheme':
                return { Authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' };
            case 'twoTokens':
                return { Authorization: `Bearer ${aliceToken} ${adminToken}` };
            case 'duplicateBadFirst':
                return { Authorization: ['Bearer x.y.z', `Bearer ${adminToken}`] };
            case 'duplicateSame':
                return { Authorization: [`Bearer ${aliceToken}`, `Bearer ${aliceToken}`] };
            case 'huge':
                return { Authorization: `Bearer ${'e'.repeat(9000)}.e.e` };
        }
    };

    const toRequest = (c: Case): RawRequest => {
        const headers: Record<string, string | string[]> = { ...authorization(c.token), ...c.extraHeaders };
        if (c.contentType !== undefined) {
            headers['Content-Type'] = c.duplicateContentType ? [c.contentType, 'text/plain'] : c.contentType;
        }
        if (c.idempotencyKey !== undefined) headers['Idempotency-Key'] = c.idempotencyKey;
        return { method: c.method, path: c.path, headers, body: c.body };
    };

    beforeAll(async () => {
        stack = await startLocalStack({ FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: String(hostBodyLimit) });
        admin = emulatorAdmin(stack.emulatorUrl);
        await stack.reset();
        aliceToken = stack.token({
            user: alice.userPrincipalName,
            scp: ['Calendars.ReadWrite', 'BookingsAppointment.ReadWrite.All'],
        });
        adminToken = stack.token({
            user: alice.userPrincipalName,
            scp: ['Calendars.ReadWrite', 'BookingsAppointment.ReadWrite.All', 'Subscriptions.ReadWrite.All'],
            // An administrator: the app role through an app-role assignment (a scope of that name counts for nothing).
            roles: ['Cancellations.Admin'],
        });
        const created = await send(stack.gatewayUrl, {
            method: 'POST',
            path: '/api/subscriptions',
            headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
            body: jsonText({ notificationUrl: 'http://127.0.0.1:9/hooks/fuzz', eventTypes: ['event.cancelled'] }),
        });
        if (created.status !== 201) throw new Error(`could not create a subscription: ${created.text}`);
        subscriptionId = (JSON.parse(created.text) as { id: string }).id;
        before = await demoState();
    }, 90_000);
    afterAll(async () => {
        const byProperty = [...tally.entries()].map(([name, t]) => `${name} tried ${t.tried}, passed ${t.passed}`);
        const byStatus = [...statuses.entries()]
            .sort(([a], [b]) => a - b)
            .map(([status, n]) => `${status}×${n}`)
            .join(' ');
        console.log(`hostile input: ${byProperty.join('; ')}; statuses ${byStatus}`);
        await stack?.stop();
    });

    const expectNothingChanged = async () => {
        expect(await cancelCalls()).toEqual([]);
        expect(await cancellationRecords()).toBe(0);
        const list = await send(stack.gatewayUrl, {
            method: 'GET',
            path: '/api/cancellations',
            headers: { Authorization: `Bearer ${aliceToken}` },
        });
        expect({ status: list.status, body: JSON.parse(list.text) as unknown }).toEqual({
            status: 200,
            body: { value: [] },
        });
        expect(await demoState()).toBe(before);
    };

    /** Sends one case and throws with everything needed to reproduce it when any expectation is not met. */
    const check = async (property: string, request: RawRequest) => {
        const response = await send(stack.gatewayUrl, request);
        const problems = problemsWith(request, response);
        const posted = await cancelCalls();
        if (posted.length > 0) problems.push(`Graph received ${posted.join(', ')}`);
        const records = await cancellationRecords();
        if (records > 0) problems.push(`${records} cancellation table rows`);
        count(property, problems.length === 0, response.status);
        if (problems.length > 0) {
            throw new Error(
                `${problems.join('; ')}\n${describeRequest(request)}\n→ ${response.status} ` +
                    `${JSON.stringify(response.headers)}\n${response.text.slice(0, 600)}\n` +
                    `host output (tail):\n${stack.hostOutput.slice(-6).join('\n').slice(-3000)}`,
            );
        }
    };

    it('random methods, paths, ids, headers and bodies over every route', async () => {
        await admin.clearRequests();
        await fc.assert(
            fc.asyncProperty(hostileCase, (c) => check('random requests', toRequest(c))),
            { numRuns: randomRuns, interruptAfterTimeLimit: 25_000 },
        );
        await expectNothingChanged();
    }, 120_000);

    /**
     * Every route that reads a body, with a token that passes authentication and authorization, and the properties
     * its handler reads (so a generated body gets past the unknown-property check to the values' own validation).
     */
    const bodyRoutes = (): readonly { method: string; path: string; fields: readonly string[] }[] => [
        { method: 'POST', path: `/api/${missingEvent}`, fields: ['comment', 'Comment'] },
        {
            method: 'POST',
            path: `/api/v1.0/users/${enc(alice.userPrincipalName)}/calendar/events/AAMkADfuzz-b=/cancel`,
            fields: ['comment'],
        },
        { method: 'POST', path: `/api/${missingAppointment}`, fields: ['cancellationMessage'] },
        {
            method: 'POST',
            path: '/api/subscriptions',
            fields: ['notificationUrl', 'eventTypes', 'clientState', 'description'],
        },
        {
            method: 'PATCH',
            path: `/api/subscriptions/${subscriptionId}`,
            fields: ['enabled', 'clientState', 'description'],
        },
        { method: 'POST', path: `/api/subscriptions/${subscriptionId}/rotateSecret`, fields: ['x'] },
        { method: 'POST', path: `/api/subscriptions/${subscriptionId}/recover`, fields: ['since'] },
        { method: 'PATCH', path: '/api/subscriptions/AAMkADfuzz-missing', fields: ['enabled'] },
        { method: 'POST', path: '/api/deliveries/AAMkADfuzz-missing/replay', fields: ['x'] },
        { method: 'POST', path: '/api/reconcile', fields: ['x'] },
    ];

    /** JSON texts of values a handler validates: wrong types, hostile strings, huge and deeply nested values. */
    const hostileJson: fc.Arbitrary<string> = fc.oneof(
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ unit: 'grapheme', maxLength: 40 }).map((v) => JSON.stringify(v)),
        fc
            .constantFrom(
                'javascript:alert(1)',
                'file:///etc/passwd',
                'https://169.254.169.254/latest/meta-data/',
                'https://[::ffff:127.0.0.1]/x',
                'https://user:pass@hooks.example.invalid/x',
                'https://hooks.example.invalid:444/x',
                'https://xn--80ak6aa92e.invalid/',
                '\u0000',
                '\u202E',
                '\uD800',
                '__proto__',
                'event.cancelled',
                '2020-01-01T00:00:00Z',
                '-271821-04-20T00:00:00Z',
                'NaN',
            )
            .map((v) => JSON.stringify(v)),
        fc.constantFrom('["event.cancelled","event.cancelled"]', '["*"]', '[]', '["__proto__"]', '[null]', '[[[]]]'),
        fc.constantFrom('"\\ud800"', '1e400', '-0', '{"__proto__":{"enabled":true}}'),
        fc.integer({ min: 2_000, max: 60_000 }).map((n) => JSON.stringify('u'.repeat(n))),
        fc.integer({ min: 1_000, max: 3_000 }).map((n) => JSON.stringify(Array(n).fill('event.cancelled'))),
        { weight: 3, arbitrary: fc.constantFrom(2_000, 6_000, 10_000).map((d) => deepNest(d, '[', ']')) },
        { weight: 3, arbitrary: fc.constantFrom(2_000, 6_000, 10_000).map((d) => deepNest(d, '{"a":', '}')) },
    );

    /** Mostly a URL the development stack accepts, so the other subscription properties get validated too. */
    const fieldJson = (field: string): fc.Arbitrary<string> =>
        field === 'notificationUrl'
            ? fc.oneof(
                  { weight: 2, arbitrary: fc.constant('"http://127.0.0.1:9/hooks/fuzz"') },
                  { weight: 1, arbitrary: hostileJson },
              )
            : field === 'eventTypes'
              ? fc.oneof(
                    hostileJson,
                    fc.array(hostileJson, { minLength: 1, maxLength: 3 }).map((items) => `[${items.join(',')}]`),
                )
              : hostileJson;

    const bodyFor = (fields: readonly string[]): fc.Arbitrary<Buffer> =>
        fc
            .oneof(
                {
                    weight: 4,
                    arbitrary: fc
                        .tuple(...fields.map((f) => fc.option(fieldJson(f), { nil: undefined, freq: 4 })))
                        .map((values) =>
                            Buffer.from(
                                `{${fields
                                    .flatMap((f, i) =>
                                        values[i] === undefined ? [] : [`${JSON.stringify(f)}:${values[i]}`],
                                    )
                                    .join(',')}}`,
                            ),
                        ),
                },
                { weight: 1, arbitrary: fc.constantFrom(...deepBodies, ...boundaryBodies) },
                { weight: 1, arbitrary: body.map((b) => b ?? Buffer.alloc(0)) },
            )
            .map(compact);

    it('hostile bodies reach the parsers of every route that reads one (authorized caller)', async () => {
        await admin.clearRequests();
        const routes = bodyRoutes();
        await fc.assert(
            fc.asyncProperty(
                fc.oneof(
                    ...routes.map((route) => fc.record({ route: fc.constant(route), payload: bodyFor(route.fields) })),
                ),
                fc.oneof(
                    { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
                    { weight: 1, arbitrary: fc.constant('text/plain') },
                ),
                async ({ route, payload }, contentType) => {
                    await check('authorized bodies', {
                        method: route.method,
                        path: route.path,
                        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': contentType },
                        body: payload,
                    });
                },
            ),
            { numRuns: bodyRuns, interruptAfterTimeLimit: 12_000 },
        );
        await expectNothingChanged();
    }, 60_000);

    interface NamedCase {
        readonly name: string;
        readonly method?: string;
        readonly path: string;
        readonly headers?: Record<string, string | string[]>;
        readonly auth?: boolean;
        /** Use the token with every permission (subscriptions, admin routes) instead of alice's cancel token. */
        readonly admin?: boolean;
        readonly body?: string | Buffer;
        /** One status, or the acceptable ones when the local host may route the input elsewhere. */
        readonly status: number | readonly number[];
        readonly code?: string | readonly string[];
        readonly header?: string;
    }

    const table: readonly NamedCase[] = [
        {
            name: 'malformed JSON',
            path: missingEvent,
            headers: json,
            body: '{"comment":',
            status: 400,
            code: 'BadRequest',
        },
        { name: 'JSON array body', path: missingEvent, headers: json, body: '["x"]', status: 400, code: 'BadRequest' },
        { name: 'JSON null body', path: missingEvent, headers: json, body: 'null', status: 400, code: 'BadRequest' },
        {
            name: 'text/plain body',
            path: missingEvent,
            headers: { 'Content-Type': 'text/plain' },
            body: 'cancel it',
            status: 415,
            code: 'UnsupportedMediaType',
        },
        {
            name: 'JSON body without Content-Type',
            path: missingEvent,
            body: '{}',
            status: 415,
            code: 'UnsupportedMediaType',
        },
        {
            name: 'multipart body',
            path: missingEvent,
            headers: { 'Content-Type': 'multipart/form-data; boundary=b' },
            body: '--b\r\nContent-Disposition: form-data; name="comment"\r\n\r\nx\r\n--b--\r\n',
            status: 415,
            code: 'UnsupportedMediaType',
        },
        {
            name: 'body over 64 KiB',
            path: missingEvent,
            headers: json,
            body: JSON.stringify({ comment: 'x'.repeat(64 * 1024) }),
            status: 413,
            code: 'RequestEntityTooLarge',
        },
        {
            name: 'booking body over 64 KiB',
            path: missingAppointment,
            headers: json,
            body: JSON.stringify({ cancellationMessage: 'x'.repeat(70 * 1024) }),
            status: 413,
            code: 'RequestEntityTooLarge',
        },
        {
            name: 'unknown parameter',
            path: missingEvent,
            headers: json,
            body: '{"comment":"x","notify":true}',
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'event parameter on a booking',
            path: missingAppointment,
            headers: json,
            body: '{"comment":"x"}',
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'comment as a number',
            path: missingEvent,
            headers: json,
            body: '{"comment":42}',
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'cancellationMessage as an object',
            path: missingAppointment,
            headers: json,
            body: '{"cancellationMessage":{"text":"x"}}',
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'both comment and Comment',
            path: missingEvent,
            headers: json,
            body: '{"comment":"a","Comment":"b"}',
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'empty event id (//)',
            path: 'v1.0/me/events//cancel',
            status: [400, 404, 405],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'MethodNotAllowed'],
        },
        {
            name: 'blank event id (%20)',
            path: 'v1.0/me/events/%20/cancel',
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'event id over 1024 chars',
            path: `v1.0/me/events/${'A'.repeat(1025)}/cancel`,
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'event id with %2F',
            path: 'v1.0/me/events/AAMk%2F..%2Fx/cancel',
            status: [400, 404, 405],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'MethodNotAllowed'],
        },
        {
            // WHATWG URL parsing (the host's) treats `%2E%2E` as `..`: the path becomes `v1.0/me/cancel`.
            name: 'event id %2E%2E',
            path: 'v1.0/me/events/%2E%2E/cancel',
            status: [400, 404],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute'],
        },
        {
            name: 'event id with %00',
            path: 'v1.0/me/events/a%00b/cancel',
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'raw .. segment',
            path: 'v1.0/me/events/../cancel',
            status: [400, 404, 405],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'MethodNotAllowed'],
        },
        {
            name: 'user id with %5C',
            path: 'v1.0/users/alice%5Cbob/events/AAMkADfuzz-x=/cancel',
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'booking business id with %2F',
            path: 'v1.0/solutions/bookingBusinesses/a%2Fb/appointments/x/cancel',
            status: [400, 404, 405],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'MethodNotAllowed'],
        },
        {
            name: 'cancellation id with %00',
            method: 'GET',
            path: 'cancellations/a%00b',
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'cancellation id over 1024 chars',
            method: 'GET',
            path: `cancellations/${'c'.repeat(1025)}`,
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'malformed percent-encoding',
            path: 'v1.0/me/events/%E0%A4%A/cancel',
            status: [400, 404],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'BadRequest'],
        },
        { name: 'unknown route', path: 'v1.0/me/events/x/decline', status: 404, code: 'UnknownRoute' },
        { name: 'unknown route, GET', method: 'GET', path: 'v1.0/me/messages', status: 404, code: 'UnknownRoute' },
        {
            name: 'wrong method on a cancel route',
            method: 'GET',
            path: missingEvent,
            status: 405,
            code: 'MethodNotAllowed',
            header: 'allow',
        },
        {
            name: 'DELETE on cancellations',
            method: 'DELETE',
            path: 'cancellations',
            status: 405,
            code: 'MethodNotAllowed',
            header: 'allow',
        },
        { name: 'bad version v2.0', path: 'v2.0/me/events/AAMkADfuzz-x=/cancel', status: 400, code: 'BadRequest' },
        {
            name: 'beta bookingBusinesses form with v1.0',
            path: `v1.0/bookingBusinesses/${enc(demoIds.businessId)}/appointments/AAMkADfuzz-x=/cancel`,
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'no token',
            path: missingEvent,
            auth: false,
            status: 401,
            code: 'InvalidAuthenticationToken',
            header: 'www-authenticate',
        },
        {
            name: 'garbage token',
            path: missingEvent,
            headers: { Authorization: 'Bearer garbage' },
            status: 401,
            code: 'InvalidAuthenticationToken',
            header: 'www-authenticate',
        },
        {
            name: 'duplicate Idempotency-Key',
            path: missingEvent,
            headers: { ...json, 'Idempotency-Key': ['"k1"', '"k2"'] },
            body: '{}',
            status: 400,
            code: 'invalidIdempotencyKey',
        },
        {
            name: 'bad $top on the list',
            method: 'GET',
            path: 'cancellations?$top=0',
            status: 400,
            code: 'invalidRequest',
        },
        {
            name: 'forged $skiptoken on the list',
            method: 'GET',
            path: 'cancellations?$skiptoken=forged',
            status: 400,
            code: 'invalidRequest',
        },
        // issue 7 item 3: deep nesting, limits, encodings, duplicate headers, every kind of route
        {
            name: '10,000 levels of [[[…]]]',
            path: missingEvent,
            headers: json,
            body: deepNest(10_000, '[', ']'),
            status: 400,
            code: 'BadRequest',
        },
        {
            name: '10,000 levels of {"a":{"a":…}}',
            path: missingEvent,
            headers: json,
            body: deepNest(10_000, '{"a":', '}'),
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'comment nested 10,000 levels deep',
            path: missingAppointment,
            headers: json,
            body: `{"cancellationMessage":${deepNest(10_000, '{"a":', '}')}}`,
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'subscription with eventTypes nested 10,000 levels deep',
            path: 'subscriptions',
            admin: true,
            headers: json,
            body: `{"notificationUrl":"http://127.0.0.1:9/x","eventTypes":${deepNest(10_000, '[', ']')}}`,
            status: 400,
        },
        {
            name: 'subscription PATCH nested 10,000 levels deep',
            method: 'PATCH',
            path: 'subscriptions/{subscription}',
            admin: true,
            headers: json,
            body: `{"enabled":${deepNest(10_000, '{"a":', '}')}}`,
            status: 400,
        },
        {
            name: 'recover with since nested 10,000 levels deep',
            path: 'subscriptions/{subscription}/recover',
            admin: true,
            headers: json,
            body: `{"since":${deepNest(10_000, '[', ']')}}`,
            status: 400,
        },
        {
            name: 'body of exactly 64 KiB is read (and its unknown parameter refused)',
            path: missingEvent,
            headers: json,
            body: jsonOfSize(appBodyLimit, 'x'),
            status: 400,
            code: 'BadRequest',
        },
        {
            name: 'body of 64 KiB + 1 byte',
            path: missingEvent,
            headers: json,
            body: jsonOfSize(appBodyLimit + 1, 'x'),
            status: 413,
            code: 'RequestEntityTooLarge',
        },
        {
            name: 'body of 64 KiB + 1 byte, chunked (no Content-Length)',
            path: missingEvent,
            headers: { ...json, 'Transfer-Encoding': 'chunked' },
            body: jsonOfSize(appBodyLimit + 1, 'x'),
            status: 413,
            code: 'RequestEntityTooLarge',
        },
        {
            name: 'subscription body of 64 KiB + 1 byte',
            path: 'subscriptions',
            admin: true,
            headers: json,
            body: jsonOfSize(appBodyLimit + 1, 'notificationUrl'),
            status: 413,
            code: 'RequestEntityTooLarge',
        },
        {
            name: 'body of exactly the host limit (1 MiB): the app refuses it',
            path: missingEvent,
            headers: json,
            body: jsonOfSize(hostBodyLimit),
            status: 413,
            code: 'RequestEntityTooLarge',
        },
        {
            name: 'body over the host limit (1 MiB + 1): the host refuses it',
            path: missingEvent,
            headers: json,
            body: jsonOfSize(hostBodyLimit + 1),
            status: 413,
        },
        {
            name: 'double-encoded slash in an event id',
            path: 'v1.0/me/events/AAMk%252F..%252Fx/cancel',
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'double-encoded NUL in an event id',
            path: 'v1.0/me/events/a%2500b/cancel',
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'overlong UTF-8 slash (%C0%AF) in an event id',
            path: 'v1.0/me/events/a%C0%AFb/cancel',
            status: [400, 404],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'BadRequest'],
        },
        {
            name: 'overlong UTF-8 dots (%C0%AE%C0%AE) as a user id',
            path: 'v1.0/users/%C0%AE%C0%AE/events/AAMkADfuzz-x=/cancel',
            status: [400, 404],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'BadRequest'],
        },
        {
            name: 'lone surrogate (%ED%A0%80) in an appointment id',
            path: `v1.0/solutions/bookingBusinesses/${enc(demoIds.businessId)}/appointments/%ED%A0%80/cancel`,
            status: [400, 404],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'BadRequest'],
        },
        {
            name: 'RTL override and emoji in a cancellation id',
            method: 'GET',
            path: `cancellations/${enc('\u202Eabc\uD83D\uDE00')}`,
            status: [400, 404],
            code: ['ErrorInvalidIdMalformed', 'itemNotFound', 'ErrorItemNotFound', 'NotFound'],
        },
        {
            name: 'NUL in a subscription id',
            method: 'GET',
            path: 'subscriptions/a%00b',
            admin: true,
            status: 400,
            code: 'ErrorInvalidIdMalformed',
        },
        {
            name: 'percent-encoded slash in a delivery id',
            path: 'deliveries/a%2Fb/replay',
            admin: true,
            status: [400, 404, 405],
            code: ['ErrorInvalidIdMalformed', 'UnknownRoute', 'MethodNotAllowed'],
        },
        {
            name: 'a forged Authorization header first, a valid one second',
            path: missingEvent,
            auth: false,
            headers: { Authorization: ['Bearer x.y.z', 'Bearer {alice}'] },
            status: 401,
            code: 'InvalidAuthenticationToken',
            header: 'www-authenticate',
        },
        {
            name: 'two Content-Type headers, text/plain first',
            path: missingEvent,
            headers: { 'Content-Type': ['text/plain', 'application/json'] },
            body: '{"comment":"x"}',
            status: 415,
            code: 'UnsupportedMediaType',
        },
        {
            name: 'two different Idempotency-Key headers on a booking cancel',
            path: missingAppointment,
            headers: { ...json, 'Idempotency-Key': ['"k1"', '"k2"'] },
            body: '{}',
            status: 400,
            code: 'invalidIdempotencyKey',
        },
        {
            name: 'reconcile without Cancellations.Admin',
            path: 'reconcile',
            status: 403,
        },
        {
            name: 'deliveries with a junk query (admin)',
            method: 'GET',
            path: 'deliveries?state=%00&since=yesterday&subscriptionId=%2F..',
            admin: true,
            status: 400,
        },
        {
            name: 'openapi.json with hostile headers and a body',
            method: 'GET',
            path: 'openapi.json?%zz',
            auth: false,
            headers: { ...json, 'Idempotency-Key': ['"a"', '"b"'], Authorization: 'Bearer x.y.z' },
            body: deepNest(10_000, '[', ']'),
            status: 200,
        },
        {
            // Health is anonymous, but a token that is sent is checked, as on every route.
            name: 'health with a forged token and a huge header',
            method: 'GET',
            path: 'health',
            auth: false,
            headers: { Authorization: 'Bearer x.y.z', 'X-Junk': 'j'.repeat(8000) },
            status: 401,
            code: 'InvalidAuthenticationToken',
            header: 'www-authenticate',
        },
    ];

    it.each(table.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        await admin.clearRequests();
        const token = c.admin ? adminToken : aliceToken;
        const headers = Object.fromEntries(
            Object.entries(c.headers ?? {}).map(([k, v]) => [
                k,
                Array.isArray(v) ? v.map((x) => x.replace('{alice}', aliceToken)) : v,
            ]),
        );
        const request: RawRequest = {
            method: c.method ?? 'POST',
            path: `/api/${c.path.replace('{subscription}', subscriptionId)}`,
            headers: { ...(c.auth === false ? {} : { Authorization: `Bearer ${token}` }), ...headers },
            body: c.body === undefined ? undefined : Buffer.from(c.body),
        };
        const response = await send(stack.gatewayUrl, request);
        count('named cases', false, response.status);
        const context = `${describeRequest(request)}\n→ ${response.status} ${response.text.slice(0, 400)}`;
        expect({ problems: problemsWith(request, response), context }).toEqual({ problems: [], context });
        const allowed = typeof c.status === 'number' ? [c.status] : c.status;
        if (!allowed.includes(response.status)) throw new Error(`expected ${allowed.join(' or ')}\n${context}`);
        if (c.code !== undefined) {
            const code = (JSON.parse(response.text) as { error: { code: string } }).error.code;
            expect(typeof c.code === 'string' ? [c.code] : c.code).toContain(code);
        }
        if (c.header) expect(response.headers[c.header]).toBeTruthy();
        // Bad input is refused before the target is looked up: Graph sees no call about the item at all.
        expect((await admin.calls()).filter((call) => /\/(events|appointments)\//i.test(call))).toEqual([]);
        expect(await cancellationRecords()).toBe(0);
        passedOne('named cases');
    });

    it('leaves the tenant and the records as they were', async () => {
        await expectNothingChanged();
    });
});
