import * as http from 'node:http';
import { TableClient } from '@azure/data-tables';
import fc from 'fast-check';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { routeTable } from '../../src/http/routes/routeTable';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { type LocalStack, startLocalStack } from '../support/stack';

/**
 * Issue 3 item 7 "Bad input": hostile methods, paths, ids, headers and bodies thrown at the REAL running gateway
 * (local host + Graph emulator + Azurite). Every answer must be below 500, carry `request-id`, and every error must
 * be Graph's envelope; nothing may change: no cancellation record, no `POST …/cancel` to Graph, demo items intact.
 * Requests go out through node:http so paths, duplicate headers and body bytes reach the gateway exactly as built.
 */

const [alice, bob] = devTenant.users;
const randomRuns = 300;

interface RawRequest {
    readonly method: string;
    /** Exactly what goes on the request line (already percent-encoded where needed). */
    readonly path: string;
    readonly headers: Readonly<Record<string, string | string[]>>;
    readonly body?: Buffer | undefined;
}

interface RawResponse {
    readonly status: number;
    readonly headers: http.IncomingHttpHeaders;
    readonly text: string;
}

function send(baseUrl: string, request: RawRequest): Promise<RawResponse> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: hostname,
                port,
                method: request.method,
                path: request.path,
                headers: {
                    ...request.headers,
                    // With `Transfer-Encoding: chunked` node:http frames the body itself; both would be refused by Node.
                    ...(request.body === undefined || 'Transfer-Encoding' in request.headers
                        ? {}
                        : { 'Content-Length': String(request.body.length) }),
                },
                agent: false,
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (chunk: Buffer) => chunks.push(chunk));
                res.on('end', () =>
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        text: Buffer.concat(chunks).toString('utf8'),
                    }),
                );
                res.on('error', reject);
            },
        );
        req.setTimeout(20_000, () => req.destroy(new Error(`timed out: ${request.method} ${request.path}`)));
        req.on('error', reject);
        req.end(request.body);
    });
}

/** What is wrong with a response by the standard of item 7 (empty when nothing is). */
function problemsWith(request: RawRequest, response: RawResponse): string[] {
    const problems: string[] = [];
    if (response.status >= 500) problems.push(`status ${response.status} (5xx)`);
    // `/api/../x` and `/api/%2E%2E/x` normalize (WHATWG URL, as the host parses) to a path outside `/api/`, which no
    // function of the app serves: the host's own empty 404 answers there, so only "no 5xx" applies.
    if (!/^\/api(\/|$)/i.test(new URL(request.path, 'http://gateway').pathname)) return problems;
    if (!response.headers['request-id']) problems.push('no request-id header');
    if (response.status >= 400 && request.method !== 'HEAD') {
        let envelope: unknown;
        try {
            envelope = JSON.parse(response.text);
        } catch {
            problems.push('error body is not JSON');
        }
        const error = (envelope as { error?: Record<string, unknown> } | undefined)?.error;
        const innerError = error?.innerError as Record<string, unknown> | undefined;
        if (typeof error?.code !== 'string' || error.code === '') problems.push('no error.code');
        if (typeof error?.message !== 'string' || error.message === '') problems.push('no error.message');
        if (typeof innerError?.['request-id'] !== 'string' || innerError['request-id'] === '') {
            problems.push("no error.innerError['request-id']");
        }
        if (!String(response.headers['content-type']).startsWith('application/json')) {
            problems.push(`error content-type ${String(response.headers['content-type'])}`);
        }
    }
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
    ),
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

const routePath = fc.oneof(...routeTable.map((entry) => fillTemplate(entry.route)));

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

const path = fc
    .tuple(
        fc.oneof({ weight: 6, arbitrary: fc.constant('/api/') }, { weight: 1, arbitrary: fc.constant('/API/') }),
        fc.oneof({ weight: 5, arbitrary: routePath }, { weight: 1, arbitrary: junkPath }),
        query,
    )
    .map(([prefix, rest, q]) => prefix + rest + q);

const method = fc.oneof(
    { weight: 9, arbitrary: fc.constant('POST') },
    { weight: 2, arbitrary: fc.constant('GET') },
    { weight: 2, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
);

type TokenKind = 'alice' | 'aliceNoScope' | 'aliceTampered' | 'none' | 'garbage' | 'otherScheme' | 'twoTokens' | 'huge';
const tokenKind: fc.Arbitrary<TokenKind> = fc.oneof(
    { weight: 14, arbitrary: fc.constant<TokenKind>('alice') },
    {
        weight: 1,
        arbitrary: fc.constantFrom<TokenKind>(
            'aliceNoScope',
            'aliceTampered',
            'none',
            'garbage',
            'otherScheme',
            'twoTokens',
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

function deepNest(depth: number, open: string, close: string, inner = '1'): string {
    return open.repeat(depth) + inner + close.repeat(depth);
}

const body: fc.Arbitrary<Buffer | undefined> = fc.oneof(
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
            value: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object({ maxDepth: 2 }), fc.double()),
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
    // over (and right at) the 64 KiB limit
    fc.integer({ min: 64 * 1024 - 14, max: 200 * 1024 }).map((n) => jsonText({ comment: 'x'.repeat(n) })),
    fc.integer({ min: 64 * 1024 + 1, max: 100 * 1024 }).map((n) => Buffer.alloc(n, 0x20)),
    // not JSON at all
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
    fc
        .constantFrom('{', '{"comment":', "{'comment':'x'}", '\uFEFF{}', 'comment=x', '--xyz\r\n\r\n--xyz--')
        .map((s) => Buffer.from(s)),
    fc.constant(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])),
);

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
        method,
        path,
        token: tokenKind,
        contentType,
        idempotencyKey,
        extraHeaders: oversizedHeader,
        duplicateContentType: fc.boolean(),
        body,
    })
    .filter(
        (c) =>
            c.path.length + (c.token === 'huge' ? 9_100 : 1_200) + Object.values(c.extraHeaders).join('').length <
            maxHeadBytes,
    );

// ---------- the test ----------

describe('hostile input (issue 3 item 7): never a 5xx, always Graph-shaped, nothing changes', () => {
    let stack: LocalStack;
    let admin: ReturnType<typeof emulatorAdmin>;
    let aliceToken: string;
    let before: string;

    const demoState = async () =>
        JSON.stringify({
            alice: await admin.events(alice.userPrincipalName),
            bob: await admin.events(bob.userPrincipalName),
            appointments: await admin.appointments(demoIds.businessId),
        });

    const cancellationRecords = async (): Promise<number> => {
        const table = TableClient.fromConnectionString(stack.storageConnectionString, 'cancellations', {
            allowInsecureConnection: true,
        });
        let count = 0;
        try {
            for await (const _entity of table.listEntities()) count++;
        } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) return 0;
            throw error;
        }
        return count;
    };

    const cancelCalls = async () => (await admin.calls()).filter((c) => /^POST .*\/cancel$/i.test(c));

    const authorization = (kind: TokenKind): Record<string, string | string[]> => {
        switch (kind) {
            case 'alice':
                return { Authorization: `Bearer ${aliceToken}` };
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
                return { Authorization: [`Bearer ${aliceToken}`, 'Bearer x.y.z'] };
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
        stack = await startLocalStack();
        admin = emulatorAdmin(stack.emulatorUrl);
        await stack.reset();
        aliceToken = stack.token({
            user: alice.userPrincipalName,
            scp: ['Calendars.ReadWrite', 'BookingsAppointment.ReadWrite.All'],
        });
        before = await demoState();
    }, 90_000);
    afterAll(() => stack?.stop());

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

    it('random methods, paths, ids, headers and bodies', async () => {
        let tried = 0;
        const statuses = new Map<number, number>();
        await admin.clearRequests();
        try {
            await fc.assert(
                fc.asyncProperty(hostileCase, async (c) => {
                    tried++;
                    const request = toRequest(c);
                    const response = await send(stack.gatewayUrl, request);
                    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
                    const problems = problemsWith(request, response);
                    const posted = await cancelCalls();
                    if (posted.length > 0) problems.push(`Graph received ${posted.join(', ')}`);
                    const records = await cancellationRecords();
                    if (records > 0) problems.push(`${records} cancellation table rows`);
                    if (problems.length > 0) {
                        throw new Error(
                            `${problems.join('; ')}\n${describeRequest(request)}\n→ ${response.status} ` +
                                `${JSON.stringify(response.headers)}\n${response.text.slice(0, 600)}\n` +
                                `host output (tail):\n${stack.hostOutput.slice(-6).join('\n').slice(-3000)}`,
                        );
                    }
                }),
                { numRuns: randomRuns, interruptAfterTimeLimit: 45_000 },
            );
        } finally {
            const byStatus = [...statuses.entries()]
                .sort(([a], [b]) => a - b)
                .map(([s, n]) => `${s}×${n}`)
                .join(' ');
            const graphCalls = await admin.calls();
            const cancels = graphCalls.filter((c) => /^POST .*\/cancel$/i.test(c)).length;
            console.log(
                `hostile input: ${tried} random requests (runs + shrinks), statuses ${byStatus}; ` +
                    `Graph calls made on their behalf: ${graphCalls.length} (lookups), POST …/cancel: ${cancels}`,
            );
        }
        await expectNothingChanged();
    }, 180_000);

    const missingEvent = 'v1.0/me/events/AAMkADfuzz-not-there=/cancel';
    const missingAppointment = `v1.0/solutions/bookingBusinesses/${enc(demoIds.businessId)}/appointments/AAMkADfuzz-nope=/cancel`;
    const json = { 'Content-Type': 'application/json' };

    interface NamedCase {
        readonly name: string;
        readonly method?: string;
        readonly path: string;
        readonly headers?: Record<string, string | string[]>;
        readonly auth?: boolean;
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
    ];

    it.each(table.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        await admin.clearRequests();
        const request: RawRequest = {
            method: c.method ?? 'POST',
            path: `/api/${c.path}`,
            headers: { ...(c.auth === false ? {} : { Authorization: `Bearer ${aliceToken}` }), ...c.headers },
            body: c.body === undefined ? undefined : Buffer.from(c.body),
        };
        const response = await send(stack.gatewayUrl, request);
        const context = `${describeRequest(request)}\n→ ${response.status} ${response.text.slice(0, 400)}`;
        expect({ problems: problemsWith(request, response), context }).toEqual({ problems: [], context });
        const statuses = typeof c.status === 'number' ? [c.status] : c.status;
        if (!statuses.includes(response.status)) throw new Error(`expected ${statuses.join(' or ')}\n${context}`);
        if (c.code !== undefined) {
            const code = (JSON.parse(response.text) as { error: { code: string } }).error.code;
            expect(typeof c.code === 'string' ? [c.code] : c.code).toContain(code);
        }
        if (c.header) expect(response.headers[c.header]).toBeTruthy();
        // Bad input is refused before the target is looked up: Graph sees no call about the item at all.
        expect((await admin.calls()).filter((call) => /\/(events|appointments)\//i.test(call))).toEqual([]);
        expect(await cancellationRecords()).toBe(0);
    });

    it('leaves the tenant and the records as they were', async () => {
        await expectNothingChanged();
    });
});
