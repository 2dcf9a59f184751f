import { HttpRequest, InvocationContext } from '@azure/functions';
import type { TokenValidator } from '../../src/auth/tokenValidator';
import type { CalendarViewItem } from '../../src/domain/bulk/ports';
import { tenantPolicySchema } from '../../src/domain/access/tenantPolicy';
import { UnauthorizedError } from '../../src/errors/appError';
import { UpstreamError } from '../../src/errors/upstreamError';
import type { JobMessage } from '../../src/domain/bulk/job';
import type { NotificationMessage, NotificationQueue } from '../../src/domain/notifications/notificationMessage';
import { storedPacer } from '../../src/domain/bulk/pacing';
import { runJobSlice } from '../../src/domain/bulk/runJob';
import {
    type CancellationJobsDeps,
    createCancellationJobHandler,
    getCancellationJobHandler,
    listCancellationJobItemsHandler,
    listCancellationJobsHandler,
    stopCancellationJobHandler,
    previewCancellationJobHandler,
} from '../../src/http/handlers/cancellationJobs';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeEdge } from '../../src/http/routes/serveRoute';
import {
    cancellationJobItemListSchema,
    cancellationJobListSchema,
    cancellationJobPreviewSchema,
    cancellationJobViewSchema,
} from '../../src/http/schemas';
import { alice, appCaller, bob, carol, FakeDirectory, userCaller } from '../auth/fakes';
import { meeting as harnessMeeting } from '../support/bulkJobHarness';
import { FakeBulkCalendar } from '../support/fakes/fakeBulkCalendar';
import { MemoryBulkJobStore } from '../support/fakes/memoryBulkJobStore';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { MemoryIdempotencyStore } from '../support/fakes/memoryIdempotencyStore';

const entry = (name: string) => httpRoutes.find((route) => route.name === name)!;

/** An HR application the tenant policy grants bulk cancellation in Bob's mailbox only. */
const hrAppId = 'ca9ce1a7-0000-4000-8000-0000000000b1';
const policy = tenantPolicySchema.parse({ applications: [{ appId: hrAppId, bulk: [bob.userPrincipalName] }] });

/**
 * `Bearer admin`: an app with the Cancellations.Admin role; `Bearer alice`: a user with Calendars.ReadWrite only;
 * `Bearer hr`: the HR app (no role, the policy's grant); `Bearer other`: an app with neither.
 */
const tokens: TokenValidator = {
    authenticate: (header) =>
        header === 'Bearer admin'
            ? Promise.resolve(appCaller('ad000000-0000-4000-8000-0000000000ad', ['Cancellations.Admin']))
            : header === 'Bearer hr'
              ? Promise.resolve(appCaller(hrAppId, []))
              : header === 'Bearer other'
                ? Promise.resolve(appCaller('ca9ce1a7-0000-4000-8000-0000000000b2', []))
                : header === 'Bearer alice'
                  ? Promise.resolve(userCaller(alice))
                  : Promise.reject(
                        new UnauthorizedError('The access token is invalid.', 'Bearer realm="cancel-gateway"'),
                    ),
};

/** A meeting with three attendees. */
const meeting = (id: string, overrides: Partial<CalendarViewItem> = {}): CalendarViewItem =>
    harnessMeeting(id, { attendees: 3, ...overrides });

const validBody = {
    mailbox: bob.userPrincipalName,
    window: { start: '2026-12-01T00:00:00Z', end: '2027-03-01T00:00:00Z' },
    organized: 'cancel',
    series: 'endBeforeWindow',
    invited: 'decline',
    comment: 'Bob has left the company.',
    dryRun: true,
};

function gateway() {
    const graph = new FakeBulkCalendar(bob.id, [
        meeting('ORG'),
        meeting('INV', { isOrganizer: false }),
        meeting('ALONE', { attendees: 0 }),
    ]);
    const records = new MemoryCancellationStore();
    const jobs = new MemoryBulkJobStore();
    const queued: JobMessage[] = [];
    const notified: NotificationMessage[] = [];
    const notifications: NotificationQueue = { enqueue: (message) => Promise.resolve(void notified.push(message)) };
    const clock = { now: () => new Date('2026-11-30T08:00:00Z') };
    let ids = 0;
    const deps: CancellationJobsDeps = {
        directory: new FakeDirectory(),
        discover: { graph, records },
        jobs,
        queue: { send: (message) => Promise.resolve(void queued.push(message)) },
        idempotency: { store: new MemoryIdempotencyStore(), lockMs: 30_000, retentionMs: 86_400_000, now: clock.now },
        clock,
        newId: () => `job${++ids}`,
        pacing: { messagesPerMinute: 30, recipientsPerDay: 10_000 },
        events: { store: jobs, notifications, clock, log: () => undefined },
        policy,
    };
    const handlers = {
        createCancellationJob: createCancellationJobHandler(deps),
        getCancellationJob: getCancellationJobHandler(deps),
        listCancellationJobs: listCancellationJobsHandler(deps),
        listCancellationJobItems: listCancellationJobItemsHandler(deps),
        stopCancellationJob: stopCancellationJobHandler(deps),
        previewCancellationJob: previewCancellationJobHandler(deps),
    };
    async function call(
        name: keyof typeof handlers,
        {
            path = 'cancellationJobs',
            params = {},
            body,
            token = 'admin',
            headers = {},
        }: {
            path?: string;
            params?: Record<string, string>;
            body?: unknown;
            token?: string;
            headers?: Record<string, string>;
        } = {},
    ) {
        const route = entry(name);
        const request = new HttpRequest({
            url: `http://127.0.0.1:7071/api/${path}`,
            method: route.method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
            params,
            ...(body === undefined ? {} : { body: { string: typeof body === 'string' ? body : JSON.stringify(body) } }),
        });
        const response = await routeEdge(
            route,
            handlers[name],
            tokens,
        )(request, new InvocationContext({ functionName: name }));
        const text = typeof response.body === 'string' ? response.body : undefined;
        const json = (response.jsonBody ?? (text ? JSON.parse(text) : undefined)) as Record<string, unknown>;
        return { status: response.status, headers: new Headers(response.headers), json };
    }
    const post = (body: unknown, token = 'admin') => call('createCancellationJob', { body, token });
    /** Works the queued job messages as the worker would (no pacing limit reached here). */
    async function work() {
        const run = {
            store: jobs,
            discover: { graph, records },
            graph,
            cancellations: {
                cancelEvent: () =>
                    Promise.reject(new UpstreamError(400, 'ErrorInvalidRequest', 'Refused.', 'rejected', 'r1')),
            },
            queue: deps.queue,
            notifications,
            clock,
            pacer: storedPacer(jobs, deps.pacing),
            sliceMs: 60_000,
            throttledDelayMs: 1,
            tenantLimit: { maxRunningJobs: 40, recheckMs: 30_000 },
            log: () => undefined,
        };
        while (queued.length > 0) await runJobSlice(run, queued.shift()!);
    }
    return { graph, jobs, queued, notified, post, call, work };
}

describe('POST /api/cancellationJobs (in process)', () => {
    it('previews with dryRun: every meeting with its action, in a body the route schema describes, and no Graph write', async () => {
        const { graph, post, jobs } = gateway();
        const response = await post(validBody);

        expect(response.status).toBe(200);
        expect(await jobs.listJobs(userCaller(alice).tenantId, 10)).toEqual([]);
        expect(cancellationJobPreviewSchema.safeParse(response.json).success).toBe(true);
        expect(response.json).toMatchObject({
            mailbox: bob.userPrincipalName,
            window: { start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' },
            counts: { cancel: 1, endSeries: 0, decline: 1, skip: 1 },
        });
        const meetings = response.json.meetings as Array<Record<string, unknown>>;
        expect(meetings.map((m) => [m.eventId, m.action, m.reason])).toEqual([
            ['ALONE', 'skip', 'noAttendees'],
            ['INV', 'decline', undefined],
            ['ORG', 'cancel', undefined],
        ]);
        expect(meetings[2]).toMatchObject({ subject: 'Meeting ORG', type: 'singleInstance', attendees: 3 });
        expect(graph.reads).toEqual([`calendarView ${bob.id} 2026-12-01T00:00:00.000Z..2027-03-01T00:00:00.000Z`]);
        expect(graph.writes).toEqual([]);
    });

    it('POST /api/cancellationJobs/preview answers the same plan as dryRun, and refuses dryRun in its body', async () => {
        const { graph, post, call, jobs } = gateway();
        const { dryRun: _dryRun, ...planBody } = validBody;
        const viaFlag = await post(validBody);
        const viaRoute = await call('previewCancellationJob', { path: 'cancellationJobs/preview', body: planBody });

        expect(viaRoute.status).toBe(200);
        expect(viaRoute.json).toEqual(viaFlag.json);
        const flagged = await call('previewCancellationJob', { path: 'cancellationJobs/preview', body: validBody });
        expect(flagged.status).toBe(400);
        expect(flagged.json).toMatchObject({ error: { code: 'unknownProperty' } });
        expect(await jobs.listJobs(userCaller(alice).tenantId, 10)).toEqual([]);
        expect(graph.writes).toEqual([]);
    });

    it.each([
        ['an empty body', '', 'invalidRequest'],
        ['malformed JSON', '{"mailbox":', 'BadRequest'],
        ['an unknown property', { ...validBody, cancelOrganizedMeetings: true }, 'unknownProperty'],
        [
            'an unknown property of the window',
            { ...validBody, window: { ...validBody.window, days: 3 } },
            'unknownProperty',
        ],
        [
            'start after end',
            { ...validBody, window: { start: '2027-01-01T00:00:00Z', end: '2026-01-01T00:00:00Z' } },
            'invalidRequest',
        ],
        [
            'a window of more than 1,825 days',
            { ...validBody, window: { start: '2020-01-01T00:00:00Z', end: '2025-01-01T00:00:00Z' } },
            'invalidRequest',
        ],
        ['a mailbox that is no UPN or id', { ...validBody, mailbox: 'bob' }, 'invalidRequest'],
        ['a missing organized', { ...validBody, organized: undefined }, 'invalidRequest'],
        ['an unknown series value', { ...validBody, series: 'all' }, 'invalidRequest'],
        [
            'a start that is no instant',
            { ...validBody, window: { start: 'yesterday', end: '2027-01-01T00:00:00Z' } },
            'invalidRequest',
        ],
    ])('answers 400 in Graph’s envelope for %s, and reads no calendar', async (_case, body, code) => {
        const { graph, post } = gateway();
        const response = await post(body);

        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ error: { code, message: expect.any(String) } });
        expect(graph.reads).toEqual([]);
    });

    it('accepts a window of exactly 1,825 days', async () => {
        const { post } = gateway();
        const response = await post({
            ...validBody,
            window: { start: '2026-01-01T00:00:00Z', end: '2030-12-31T00:00:00Z' },
        });
        expect(response.status).toBe(200);
    });

    it('starts a job without dryRun: 202 with Location and the job, one queue message, no Graph write yet', async () => {
        const { graph, post, queued } = gateway();
        const response = await post({ ...validBody, dryRun: false });

        expect(response.status).toBe(202);
        expect(response.headers.get('location')).toBe('/api/cancellationJobs/job1');
        expect(cancellationJobViewSchema.safeParse(response.json).success).toBe(true);
        expect(response.json).toMatchObject({ id: 'job1', state: 'planning', mailbox: bob.userPrincipalName });
        expect(queued).toEqual([{ tenantId: userCaller(alice).tenantId, jobId: 'job1' }]);
        expect(graph.writes).toEqual([]);
    });

    it('creates one job for a create retried with the same Idempotency-Key', async () => {
        const { call, jobs } = gateway();
        const headers = { 'idempotency-key': '"offboard-bob"' };
        const body = { ...validBody, dryRun: false };
        const first = await call('createCancellationJob', { body, headers });
        const again = await call('createCancellationJob', { body, headers });

        expect([first.status, again.status]).toEqual([202, 202]);
        expect(again.headers.get('location')).toBe(first.headers.get('location'));
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(await jobs.listJobs(userCaller(alice).tenantId, 10)).toHaveLength(1);
    });

    it('shows the job, its counts, its meetings by outcome, and the list; stop ends it', async () => {
        const { call, post, work, graph, notified, jobs } = gateway();
        await post({ ...validBody, dryRun: false, invited: 'leave' });
        await work();

        const job = await call('getCancellationJob', { path: 'cancellationJobs/job1', params: { id: 'job1' } });
        expect(job.status).toBe(200);
        expect(cancellationJobViewSchema.safeParse(job.json).success).toBe(true);
        expect(job.json).toMatchObject({
            state: 'completed',
            counts: { total: 3, byAction: { cancel: 1, skip: 2 }, byOutcome: { failed: 1, skipped: 2 } },
        });
        const skipped = await call('listCancellationJobItems', {
            path: 'cancellationJobs/job1/items?outcome=skipped&$top=1',
            params: { id: 'job1' },
        });
        expect(cancellationJobItemListSchema.safeParse(skipped.json).success).toBe(true);
        const page = skipped.json as { value: Array<{ eventId: string; reason: string }>; '@odata.nextLink': string };
        expect(page.value).toEqual([expect.objectContaining({ eventId: 'ALONE', reason: 'noAttendees' })]);
        expect(page['@odata.nextLink']).toContain('%24skiptoken=');
        const list = await call('listCancellationJobs');
        expect(cancellationJobListSchema.safeParse(list.json).success).toBe(true);
        expect((list.json.value as unknown[]).length).toBe(1);

        await post({ ...validBody, dryRun: false });
        const stopped = await call('stopCancellationJob', {
            path: 'cancellationJobs/job2/stop',
            params: { id: 'job2' },
            body: '',
        });
        expect(stopped.status).toBe(200);
        expect(stopped.json).toMatchObject({ id: 'job2', state: 'stopped', finishedDateTime: expect.any(String) });
        // Each job ended once, announced once: job1 by its worker, job2 by the stop (sent, so no longer owed).
        expect(notified.map((message) => ('jobId' in message ? [message.jobId, message.type] : []))).toEqual([
            ['job1', 'cancellationJob.completed'],
            ['job2', 'cancellationJob.completed'],
        ]);
        expect((await jobs.getJob(userCaller(alice).tenantId, 'job2'))?.value.eventsOwed).toBeUndefined();
        await work();
        expect(graph.reads.filter((read) => read.startsWith('calendarView'))).toHaveLength(1);
    });

    it('answers 404 for a job that does not exist, and 400 for an unknown outcome filter', async () => {
        const { call } = gateway();
        const missing = await call('getCancellationJob', { path: 'cancellationJobs/nope', params: { id: 'nope' } });
        expect(missing.status).toBe(404);
        const bad = await call('listCancellationJobItems', {
            path: 'cancellationJobs/nope/items?outcome=maybe',
            params: { id: 'nope' },
        });
        expect(bad.status).toBe(400);
    });

    it('answers 403 to a caller without the Cancellations.Admin app role, before reading the body', async () => {
        const { graph, post } = gateway();
        const response = await post('{', 'alice');

        expect(response.status).toBe(403);
        expect(response.json).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
        expect(graph.reads).toEqual([]);
    });

    it('an application granted bulk on a mailbox previews, starts, reads and stops its jobs there; elsewhere 403, no job', async () => {
        const { post, call, jobs, graph } = gateway();
        const tenantId = userCaller(alice).tenantId;
        const elsewhere = await post({ ...validBody, mailbox: carol.userPrincipalName, dryRun: false }, 'hr');
        expect(elsewhere.status).toBe(403);
        expect(elsewhere.json).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
        const previewElsewhere = await call('previewCancellationJob', {
            path: 'cancellationJobs/preview',
            body: { ...validBody, mailbox: carol.userPrincipalName, dryRun: undefined },
            token: 'hr',
        });
        expect(previewElsewhere.status).toBe(403);
        const ungranted = await post({ ...validBody, dryRun: false }, 'other');
        expect(ungranted.status).toBe(403);
        expect(await jobs.listJobs(tenantId, 10)).toEqual([]);
        expect(graph.reads).toEqual([]);

        expect((await post(validBody, 'hr')).status).toBe(200);
        const started = await post({ ...validBody, dryRun: false }, 'hr');
        expect(started.status).toBe(202);
        expect((await jobs.getJob(tenantId, 'job1'))?.value.actor).toMatchObject({
            appId: hrAppId,
            basis: 'application',
        });
        expect((await post({ ...validBody, dryRun: false })).status).toBe(202);

        // The application sees its own job only; the administrator sees both.
        const hrList = await call('listCancellationJobs', { token: 'hr' });
        expect((hrList.json.value as Array<{ id: string }>).map((job) => job.id)).toEqual(['job1']);
        const adminList = await call('listCancellationJobs');
        expect((adminList.json.value as unknown[]).length).toBe(2);
        const own = await call('getCancellationJob', {
            path: 'cancellationJobs/job1',
            params: { id: 'job1' },
            token: 'hr',
        });
        expect(own.status).toBe(200);
        const others = await call('getCancellationJob', {
            path: 'cancellationJobs/job2',
            params: { id: 'job2' },
            token: 'hr',
        });
        expect(others.status).toBe(404);
        const stopOthers = await call('stopCancellationJob', {
            path: 'cancellationJobs/job2/stop',
            params: { id: 'job2' },
            body: '',
            token: 'hr',
        });
        expect(stopOthers.status).toBe(404);
        const stopOwn = await call('stopCancellationJob', {
            path: 'cancellationJobs/job1/stop',
            params: { id: 'job1' },
            body: '',
            token: 'hr',
        });
        expect(stopOwn.json).toMatchObject({ id: 'job1', state: 'stopped' });
        expect((await call('listCancellationJobs', { token: 'other' })).status).toBe(403);
    });

    it('answers 404 ErrorInvalidUser for a mailbox the directory does not know', async () => {
        const { graph, post } = gateway();
        const response = await post({ ...validBody, mailbox: 'nobody@contoso.test' });

        expect(response.status).toBe(404);
        expect(response.json).toMatchObject({ error: { code: 'ErrorInvalidUser' } });
        expect(graph.reads).toEqual([]);
    });
});
