import { HttpRequest, type HttpResponseInit, InvocationContext } from '@azure/functions';
import type { TokenValidator } from '../../src/auth/tokenValidator';
import { emptyTenantPolicy } from '../../src/domain/access/tenantPolicy';
import { CancellationService } from '../../src/domain/cancellation/cancellationService';
import { eventPath } from '../../src/adapters/graph/graphAddress';
import type {
    BookingsGraph,
    CalendarGraph,
    EventLocator,
    EventSnapshot,
    RecordedEvent,
} from '../../src/domain/cancellation/graphPorts';
import { NotificationRelay } from '../../src/domain/cancellation/notificationRelay';
import type {
    NotificationBatchQueue,
    NotificationMessage,
    NotificationQueue,
} from '../../src/domain/notifications/notificationMessage';
import { UnauthorizedError } from '../../src/errors/appError';
import { UpstreamError } from '../../src/errors/upstreamError';
import { cancellationView } from '../../src/http/cancellationView';
import { cancelEventHandler } from '../../src/http/handlers/cancelEvent';
import { eventCancelRoutes } from '../../src/http/routes/eventCancelRoutes';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeEdge } from '../../src/http/routes/serveRoute';
import { cancellationViewSchema } from '../../src/http/schemas';
import { alice, bob, FakeDirectory, userCaller } from '../auth/fakes';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { MemoryIdempotencyStore } from '../support/fakes/memoryIdempotencyStore';

/** Graph's error envelope, as the gateway answers every 4xx and 5xx. */
interface GraphErrorBody {
    error: { code: string; message: string; innerError: Record<string, string> };
}

/** `POST /api/{version}/users/{owner}/events/{eventId}/cancel`, served in process: no host, no storage, no Graph. */
const usersEventsRoute = eventCancelRoutes.find((route) => route.name === 'cancelEvent-users-events')!;
/** Its manifest entry: what the host registers (token, access, ids and body checked before the handler). */
const usersEventsEntry = httpRoutes.find((route) => route.name === 'cancelEvent-users-events')!;

const meeting = (id: string): EventSnapshot => ({
    id,
    isOrganizer: true,
    isCancelled: false,
    subject: 'Budget review',
    attendees: [{ name: 'Bob', address: bob.userPrincipalName, type: 'required', response: 'accepted' }],
});

/** Graph at the port: alice's mailbox holds EV1; every call is recorded. */
class FakeGraph implements CalendarGraph, BookingsGraph {
    readonly calls: string[] = [];
    private readonly events = new Map([[`/users/${alice.id}/events/EV1`, meeting('EV1')]]);

    // Graph's addressing is the adapter's; the fake keeps its events by the paths it would call.
    eventPath(locator: EventLocator): string {
        return eventPath(locator);
    }
    appointmentPath(): never {
        throw new Error('not a Bookings test');
    }
    getEvent(locator: EventLocator | RecordedEvent) {
        const path = eventPath(locator);
        this.calls.push(`GET ${path}`);
        const event = this.events.get(path);
        if (!event) {
            return Promise.reject(
                new UpstreamError(
                    404,
                    'ErrorItemNotFound',
                    'The specified object was not found in the store.',
                    'rejected',
                    'graph-404',
                ),
            );
        }
        return Promise.resolve({ ...event, requestId: 'graph-get' });
    }
    cancelEvent(locator: EventLocator | RecordedEvent, comment: string | undefined) {
        const path = eventPath(locator);
        this.calls.push(`POST ${path}/cancel ${comment ?? ''}`);
        const event = this.events.get(path);
        if (event) this.events.set(path, { ...event, isCancelled: true });
        return Promise.resolve({ requestId: 'graph-cancel' });
    }
    getAppointment(): never {
        throw new Error('not a Bookings test');
    }
    cancelAppointment(): never {
        throw new Error('not a Bookings test');
    }
}

/** The token validator port: `Bearer alice` is alice with Calendars.ReadWrite; anything else is refused. */
const tokens: TokenValidator = {
    authenticate: (header) =>
        header === 'Bearer alice'
            ? Promise.resolve(userCaller(alice))
            : Promise.reject(new UnauthorizedError('The access token is invalid.', 'Bearer realm="cancel-gateway"')),
};

function gateway() {
    const store = new MemoryCancellationStore();
    const graph = new FakeGraph();
    const sent: NotificationMessage[] = [];
    const notifications: NotificationQueue & NotificationBatchQueue = {
        enqueue: (message) => Promise.resolve(void sent.push(message)),
        enqueueAll: (messages) => Promise.resolve(void sent.push(...messages)),
    };
    const clock = { now: () => new Date('2026-11-22T09:00:00Z') };
    const relay = new NotificationRelay({ store, notifications, log: () => undefined });
    let ids = 0;
    const cancel = cancelEventHandler(usersEventsRoute, {
        access: { directory: new FakeDirectory(), policy: emptyTenantPolicy() },
        cancellations: new CancellationService({
            store,
            calendar: graph,
            bookings: graph,
            relay,
            notifications,
            clock,
            newId: () => `c${++ids}`,
            settings: { verifyDelayMs: 60_000, pendingGraceMs: 600_000 },
            log: () => undefined,
        }),
        idempotency: { store: new MemoryIdempotencyStore(), lockMs: 30_000, retentionMs: 86_400_000, now: clock.now },
    });
    const handler = routeEdge(usersEventsEntry, cancel, tokens);

    async function post(
        owner: string,
        eventId: string,
        { body = '{"comment":"Sorry"}', headers = {} }: { body?: string; headers?: Record<string, string> } = {},
    ) {
        const request = new HttpRequest({
            url: `http://127.0.0.1:7071/api/v1.0/users/${owner}/events/${eventId}/cancel`,
            method: 'POST',
            headers: { authorization: 'Bearer alice', 'content-type': 'application/json', ...headers },
            params: { version: 'v1.0', owner, eventId },
            body: { string: body },
        });
        const response: HttpResponseInit = await handler(
            request,
            new InvocationContext({ functionName: 'cancelEvent' }),
        );
        const text = typeof response.body === 'string' ? response.body : undefined;
        const json = response.jsonBody ?? (text ? (JSON.parse(text) as unknown) : undefined);
        return { status: response.status, headers: new Headers(response.headers), json: json as GraphErrorBody };
    }

    return { store, graph, sent, relay, post };
}

describe('POST /api/v1.0/users/{owner}/events/{id}/cancel (in process)', () => {
    it('cancels the organizer’s meeting in Graph, answers 202 with the accepted record’s Location and sends one notification', async () => {
        const { graph, store, sent, relay, post } = gateway();
        const response = await post(alice.userPrincipalName, 'EV1');

        expect(response.status).toBe(202);
        const location = response.headers.get('location');
        expect(location).toMatch(/^\/api\/cancellations\/c\d+$/);
        expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
        expect(graph.calls).toContain(`POST /users/${alice.id}/events/EV1/cancel Sorry`);
        const record = await store.get(userCaller(alice).tenantId, location!.split('/').pop()!);
        expect(record?.value).toMatchObject({ state: 'accepted', kind: 'event' });

        await relay.drain(1_000);
        expect(sent.map((message) => message.type)).toEqual(['event.cancelled']);
    });

    it('records why the caller was allowed (her own mailbox) on the record, and the cancellation view shows it', async () => {
        const { store, post } = gateway();
        const response = await post(alice.userPrincipalName, 'EV1');

        const record = await store.get(userCaller(alice).tenantId, response.headers.get('location')!.split('/').pop()!);
        expect(record?.value.actor).toMatchObject({ objectId: alice.id, basis: 'owner' });
        const view = cancellationView(record!.value);
        expect(view.requestedBy).toMatchObject({ objectId: alice.id, basis: 'owner' });
        expect(view.attemptHistory).toEqual([expect.objectContaining({ requestedBy: view.requestedBy })]);
        expect(cancellationViewSchema.safeParse(view).success).toBe(true);
    });

    it('replays the first answer for a repeat with the same Idempotency-Key, and cancels in Graph once', async () => {
        const { graph, post } = gateway();
        const key = { 'idempotency-key': '"k-1"' };
        const first = await post(alice.userPrincipalName, 'EV1', { headers: key });
        const again = await post(alice.userPrincipalName, 'EV1', { headers: key });

        expect([first.status, again.status]).toEqual([202, 202]);
        expect(again.headers.get('location')).toBe(first.headers.get('location'));
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(graph.calls.filter((call) => call.startsWith('POST'))).toHaveLength(1);
    });

    it.each([
        ['malformed JSON', '{"comment":', 'BadRequest'],
        ['an unknown parameter', '{"comment":"Sorry","notify":false}', 'BadRequest'],
        ['a comment that is not a string', '{"comment":42}', 'BadRequest'],
    ])('answers 400 in Graph’s error envelope for %s, and calls Graph not at all', async (_case, body, code) => {
        const { graph, post } = gateway();
        const response = await post(alice.userPrincipalName, 'EV1', { body });

        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ error: { code, message: expect.any(String) } });
        expect(response.json.error.innerError).toMatchObject({ 'request-id': response.headers.get('request-id') });
        expect(graph.calls).toEqual([]);
    });

    it('answers 401 with WWW-Authenticate for a missing token, before reading the body', async () => {
        const { graph, post } = gateway();
        const response = await post(alice.userPrincipalName, 'EV1', { headers: { authorization: '' }, body: '{' });

        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(response.json.error.code).toBe('InvalidAuthenticationToken');
        expect(graph.calls).toEqual([]);
    });

    it("answers 403 when alice cancels in bob's mailbox without a delegation, and leaves bob's calendar alone", async () => {
        const { graph, store, post } = gateway();
        const response = await post(bob.userPrincipalName, 'EV1');

        expect(response.status).toBe(403);
        expect(response.json.error.code).toBe('ErrorAccessDenied');
        expect(graph.calls).toEqual([]);
        await expect(store.list({ tenantId: userCaller(alice).tenantId, pageSize: 10 })).resolves.toMatchObject({
            items: [],
        });
    });

    it('answers 404 with Graph’s code when the event does not exist, and cancels nothing', async () => {
        const { graph, post } = gateway();
        const response = await post(alice.userPrincipalName, 'NOPE');

        expect(response.status).toBe(404);
        expect(response.json.error.code).toBe('ErrorItemNotFound');
        expect(graph.calls.filter((call) => call.startsWith('POST'))).toEqual([]);
    });
});
