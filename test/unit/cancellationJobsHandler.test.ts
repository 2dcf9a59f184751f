import { HttpRequest, InvocationContext } from '@azure/functions';
import type { TokenValidator } from '../../src/auth/tokenValidator';
import type { CalendarViewItem } from '../../src/domain/bulk/ports';
import { UnauthorizedError } from '../../src/errors/appError';
import { createCancellationJobHandler } from '../../src/http/handlers/cancellationJobs';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeEdge } from '../../src/http/routes/serveRoute';
import { cancellationJobPreviewSchema } from '../../src/http/schemas';
import { alice, appCaller, bob, FakeDirectory, userCaller } from '../auth/fakes';
import { FakeBulkCalendar } from '../support/fakes/fakeBulkCalendar';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';

const createEntry = httpRoutes.find((route) => route.name === 'createCancellationJob')!;

/** `Bearer admin`: an app with the Cancellations.Admin role; `Bearer alice`: a user with Calendars.ReadWrite only. */
const tokens: TokenValidator = {
    authenticate: (header) =>
        header === 'Bearer admin'
            ? Promise.resolve(appCaller('ad000000-0000-4000-8000-0000000000ad', ['Cancellations.Admin']))
            : header === 'Bearer alice'
              ? Promise.resolve(userCaller(alice))
              : Promise.reject(new UnauthorizedError('The access token is invalid.', 'Bearer realm="cancel-gateway"')),
};

const meeting = (id: string, overrides: Partial<CalendarViewItem> = {}): CalendarViewItem => ({
    id,
    subject: `Meeting ${id}`,
    start: '2026-12-10T09:00:00.000Z',
    end: '2026-12-10T09:30:00.000Z',
    type: 'singleInstance',
    isOrganizer: true,
    isCancelled: false,
    attendees: 3,
    categories: [],
    ...overrides,
});

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
    const handler = routeEdge(
        createEntry,
        createCancellationJobHandler({ directory: new FakeDirectory(), discover: { graph, records } }),
        tokens,
    );
    async function post(body: unknown, token = 'admin') {
        const request = new HttpRequest({
            url: 'http://127.0.0.1:7071/api/cancellationJobs',
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
        });
        const response = await handler(request, new InvocationContext({ functionName: 'createCancellationJob' }));
        const text = typeof response.body === 'string' ? response.body : undefined;
        const json = (response.jsonBody ?? (text ? JSON.parse(text) : undefined)) as Record<string, unknown>;
        return { status: response.status, json };
    }
    return { graph, post };
}

describe('POST /api/cancellationJobs (in process)', () => {
    it('previews with dryRun: every meeting with its action, in a body the route schema describes, and no Graph write', async () => {
        const { graph, post } = gateway();
        const response = await post(validBody);

        expect(response.status).toBe(200);
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

    it('answers 403 to a caller without the Cancellations.Admin app role, before reading the body', async () => {
        const { graph, post } = gateway();
        const response = await post('{', 'alice');

        expect(response.status).toBe(403);
        expect(response.json).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
        expect(graph.reads).toEqual([]);
    });

    it('answers 404 ErrorInvalidUser for a mailbox the directory does not know', async () => {
        const { graph, post } = gateway();
        const response = await post({ ...validBody, mailbox: 'nobody@contoso.test' });

        expect(response.status).toBe(404);
        expect(response.json).toMatchObject({ error: { code: 'ErrorInvalidUser' } });
        expect(graph.reads).toEqual([]);
    });
});
