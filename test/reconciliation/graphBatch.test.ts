import type { TokenCredential } from '@azure/identity';
import { type Fixture } from '../../dev/graph-emulator/fixture';
import { type RunningGraphEmulator, startGraphEmulator } from '../../dev/graph-emulator/server';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';
import { GraphBatchClient } from '../../src/adapters/graph/graphBatch';
import { GraphClient } from '../../src/adapters/graph/graphClient';
import {
    GraphThrottled,
    type ItemLookup,
    type LookupReport,
    lookupMany,
} from '../../src/domain/reconciliation/graphLookups';
import { systemClock } from '../../src/domain/ports/clock';
import { Client } from '../emulator/helpers';

const mailboxCount = 6;
const eventsPerMailbox = 40;
const missingPerMailbox = 2;
const upn = (m: number): string => `recon${m}@contoso.test`;
const eventId = (m: number, e: number): string => `AAMkADrec-u${m}-e${e}=`;
const missingId = (m: number, k: number): string => `AAMkADrec-u${m}-missing${k}=`;

function fixture(): Fixture {
    const users = Array.from({ length: mailboxCount }, (_, m) => ({
        id: `5ec00000-0000-4000-8000-00000000000${m}`,
        userPrincipalName: upn(m),
        displayName: `Recon ${m}`,
    }));
    const events = users.flatMap((user, m) =>
        Array.from({ length: eventsPerMailbox }, (_, e) => ({
            id: eventId(m, e),
            subject: `Event ${e}`,
            organizer: user.userPrincipalName,
            start: new Date(Date.UTC(2030, 0, 1 + e, 9)).toISOString(),
            end: new Date(Date.UTC(2030, 0, 1 + e, 10)).toISOString(),
        })),
    );
    return {
        tenantId: devTenant.tenantId,
        domain: devTenant.domain,
        users,
        applications: [
            { clientId: devTenant.gatewayGraphClient.clientId, secret: 'dev-only', roles: ['Calendars.ReadWrite'] },
        ],
        events,
    };
}

/** Every event of every mailbox plus a few ids that do not exist, interleaved across mailboxes. */
function lookups(): ItemLookup[] {
    const items: ItemLookup[] = [];
    for (let e = 0; e < eventsPerMailbox + missingPerMailbox; e++) {
        for (let m = 0; m < mailboxCount; m++) {
            const id = e < eventsPerMailbox ? eventId(m, e) : missingId(m, e - eventsPerMailbox);
            items.push({
                id,
                mailbox: upn(m),
                version: 'v1.0',
                target: {
                    kind: 'event',
                    event: {
                        version: 'v1.0',
                        graphPath: `/users/${encodeURIComponent(upn(m))}/events/${encodeURIComponent(id)}`,
                    },
                },
            });
        }
    }
    return items;
}

interface LogEntry {
    seq: number;
    startedAt: string;
    finishedAt: string | null;
    path: string;
    status: number | null;
    requestId: string;
    mailbox: string | null;
    inBatch: boolean;
    batchRequestId: string | null;
    fault: boolean;
    error: string | null;
}

/** Largest number of `$batch` items of one mailbox running at the same time, from their [start, finish) spans. */
function maxOverlapPerMailbox(entries: readonly LogEntry[]): Map<string, number> {
    const spans = new Map<string, Array<[number, number]>>();
    for (const entry of entries) {
        if (!entry.inBatch || entry.mailbox === null) continue;
        const list = spans.get(entry.mailbox) ?? [];
        list.push([Date.parse(entry.startedAt), Date.parse(entry.finishedAt ?? entry.startedAt)]);
        spans.set(entry.mailbox, list);
    }
    const result = new Map<string, number>();
    for (const [mailbox, list] of spans) {
        // Ends sort before starts at the same instant: a span that ends as another starts does not overlap it.
        const points = list.flatMap(([s, f]) => [
            [s, 1],
            [f, -1],
        ]);
        points.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
        let running = 0;
        let max = 0;
        for (const [, delta] of points) {
            running += delta!;
            max = Math.max(max, running);
        }
        result.set(mailbox, max);
    }
    return result;
}

describe('GraphBatchClient + lookupMany against the Graph emulator', () => {
    let emulator: RunningGraphEmulator;
    let admin: Client;
    let batchClient: GraphBatchClient;

    beforeAll(async () => {
        emulator = await startGraphEmulator({ port: 0, tlsPort: 0, fixture: fixture() });
        admin = new Client(emulator);
        const token = mintToken({
            app: devTenant.gatewayGraphClient.clientId,
            roles: ['Calendars.ReadWrite', 'Bookings.ReadWrite.All'],
            audience: graphAudience,
            version: 1,
            issuerHost: emulator.tlsUrl,
        });
        const credential: TokenCredential = {
            getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
        };
        // retryDeadlineMs 0: a throttled batch comes straight back to the engine as GraphThrottled.
        const graph = new GraphClient({ baseUrl: emulator.tlsUrl, credential, timeoutMs: 15_000, retryDeadlineMs: 0 });
        batchClient = new GraphBatchClient(graph);
    });

    afterAll(async () => {
        await emulator.close();
    });

    beforeEach(async () => {
        await admin.reset(fixture());
    });

    const run = (items: readonly ItemLookup[], budgetMs = 40_000): Promise<LookupReport> =>
        lookupMany(
            items,
            { deadline: Date.now() + budgetMs, maxPerMailbox: 4, maxBatchesInFlight: 8, batchSize: 20 },
            {
                graph: batchClient,
                clock: systemClock,
                sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            },
        );

    const requestLog = async (): Promise<LogEntry[]> =>
        (await admin.admin('GET', '/requests')).json.value as LogEntry[];

    function expectRightAnswers(report: LookupReport, items: readonly ItemLookup[]): void {
        expect(report.unfinished).toEqual([]);
        expect(report.error).toBeUndefined();
        expect(report.answers.size).toBe(items.length);
        for (const item of items) {
            const answer = report.answers.get(item.id);
            if (item.id.includes('missing')) {
                expect(answer?.status).toBe(404);
                expect(answer?.body).toMatchObject({ error: { code: 'ErrorItemNotFound' } });
            } else {
                expect(answer?.status).toBe(200);
                expect(answer?.body).toMatchObject({ id: item.id, isCancelled: false });
            }
        }
    }

    it('answers 200 for every existing event and 404 for unknown ids, 20 per batch', async () => {
        const items = lookups();
        const report = await run(items);
        expectRightAnswers(report, items);
        // 42 per mailbox → 20 + 20 + 2.
        expect(report.graphCalls).toBe(mailboxCount * 3);
        expect(report.throttled).toBe(0);
        const log = await requestLog();
        expect(log.filter((e) => !e.inBatch && e.path.endsWith('$batch'))).toHaveLength(mailboxCount * 3);
        expect(log.filter((e) => e.inBatch)).toHaveLength(items.length);
    });

    it('maps ids back, reads a fractional per-item Retry-After, and turns a throttled batch into GraphThrottled', async () => {
        await admin.admin('PUT', '/faults', [
            { path: `/users/${upn(1)}/events/${eventId(1, 1)}`, inBatch: 'only', status: 429, retryAfterSeconds: 0.25 },
            { path: '/$batch', inBatch: 'never', status: 429, retryAfterSeconds: 2, count: 1 },
        ]);
        const items = lookups().filter((i) => i.mailbox === upn(1) && /-e[0-2]=$/.test(i.id));
        expect(items).toHaveLength(3);
        const error: unknown = await batchClient.send('v1.0', items).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(GraphThrottled);
        expect((error as GraphThrottled).retryAfterMs).toBe(2_000);

        const answer = await batchClient.send('v1.0', items);
        const byId = new Map(answer.responses.map((r) => [r.id, r]));
        expect([...byId.keys()].sort()).toEqual(items.map((i) => i.id).sort());
        expect(byId.get(eventId(1, 0))).toMatchObject({ status: 200, body: { id: eventId(1, 0) } });
        expect(byId.get(eventId(1, 1))).toMatchObject({ status: 429, retryAfterMs: 250 });
        expect(byId.get(eventId(1, 1))?.retryAfterMs).toBe(250);
        expect(byId.get(eventId(1, 0))?.retryAfterMs).toBeUndefined();
    });

    it('waits out batch-level 429s and still answers everything', async () => {
        await admin.admin('PUT', '/faults', [
            { path: '/$batch', inBatch: 'never', status: 429, retryAfterSeconds: 1, count: 3 },
        ]);
        const items = lookups();
        const report = await run(items);
        expectRightAnswers(report, items);
        expect(report.throttled).toBe(3);
        expect(report.graphCalls).toBe(mailboxCount * 3 + 3);
        const log = await requestLog();
        const batches = log.filter((e) => !e.inBatch).sort((a, b) => a.seq - b.seq);
        const refused = batches.filter((e) => e.status === 429);
        expect(refused).toHaveLength(3);
        // The first wave sent one batch per mailbox; three were refused. Those three mailboxes sent nothing for a
        // second after their refusal, the other three went on at once.
        const refusedAt = Math.min(...refused.map((e) => Date.parse(e.finishedAt ?? e.startedAt)));
        const batchStart = new Map(batches.map((e) => [e.requestId, Date.parse(e.startedAt)]));
        const firstAnswered = new Map<string, number>();
        for (const entry of log.filter((e) => e.inBatch && e.mailbox !== null)) {
            const at = batchStart.get(entry.batchRequestId ?? '') ?? Infinity;
            firstAnswered.set(entry.mailbox!, Math.min(firstAnswered.get(entry.mailbox!) ?? Infinity, at));
        }
        const firsts = [...firstAnswered.values()].sort((a, b) => a - b);
        expect(firsts).toHaveLength(mailboxCount);
        expect(firsts.filter((at) => at < refusedAt + 1_000)).toHaveLength(mailboxCount - 3);
        for (const at of firsts.slice(mailboxCount - 3)) expect(at).toBeGreaterThanOrEqual(refusedAt + 1_000);
    });

    it('under latency and per-item 429 storms every item gets its final answer, ≤ 4 in flight per mailbox, no early resend', async () => {
        const faults = await admin.admin('PUT', '/faults', [
            { path: '/users/', inBatch: 'only', latencyMs: 50 },
            { path: '/users/', inBatch: 'only', status: 429, rate: 0.3, retryAfterSeconds: 1 },
        ]);
        expect(faults.status).toBe(200);
        const items = lookups();
        const started = Date.now();
        const report = await run(items);
        const wallMs = Date.now() - started;
        expectRightAnswers(report, items);

        const log = await requestLog();
        const batchItems = log.filter((e) => e.inBatch);
        const faulted = batchItems.filter((e) => e.fault && e.status === 429);
        expect(faulted.length).toBeGreaterThan(0);
        expect(report.throttled).toBe(faulted.length);
        expect(batchItems).toHaveLength(items.length + faulted.length);
        expect(log.filter((e) => !e.inBatch && e.path.endsWith('$batch'))).toHaveLength(report.graphCalls);
        // The emulator's own per-mailbox limit never had to refuse anything.
        expect(log.filter((e) => e.error === 'ApplicationThrottled')).toEqual([]);

        // Concurrency per mailbox, from the emulator's timestamps.
        const overlap = maxOverlapPerMailbox(log);
        expect(overlap.size).toBe(mailboxCount);
        for (const max of overlap.values()) {
            expect(max).toBeLessThanOrEqual(4);
            expect(max).toBeGreaterThanOrEqual(2); // the measurement saw real concurrency
        }

        // No resend before the Retry-After it was given: counted from the moment its batch was answered.
        const batchFinished = new Map(
            log.filter((e) => !e.inBatch).map((e) => [e.requestId, Date.parse(e.finishedAt ?? e.startedAt)]),
        );
        const byPath = new Map<string, LogEntry[]>();
        for (const entry of batchItems) byPath.set(entry.path, [...(byPath.get(entry.path) ?? []), entry]);
        let resendsChecked = 0;
        let shortestWaitMs = Infinity;
        for (const attempts of byPath.values()) {
            attempts.sort((a, b) => a.seq - b.seq);
            for (let i = 1; i < attempts.length; i++) {
                const throttledAttempt = attempts[i - 1]!;
                expect(throttledAttempt.status).toBe(429);
                const answeredAt =
                    batchFinished.get(throttledAttempt.batchRequestId ?? '') ??
                    Date.parse(throttledAttempt.finishedAt ?? '');
                const waitMs = Date.parse(attempts[i]!.startedAt) - answeredAt;
                expect(waitMs).toBeGreaterThanOrEqual(1_000);
                shortestWaitMs = Math.min(shortestWaitMs, waitMs);
                resendsChecked += 1;
            }
        }
        expect(resendsChecked).toBe(faulted.length);

        console.log(
            `emulator lookup: ${items.length} items over ${mailboxCount} mailboxes, 50 ms latency, 30% per-item 429 ` +
                `(Retry-After 1 s): ${report.graphCalls} batches, ${report.throttled} throttled, ` +
                `${batchItems.length} item requests, max overlap per mailbox ` +
                `${JSON.stringify(Object.fromEntries(overlap))}, shortest resend wait ${shortestWaitMs} ms, ` +
                `wall ${wallMs} ms`,
        );
    }, 60_000);
});
