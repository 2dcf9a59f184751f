import { appointmentPath, eventPath } from '../../src/adapters/graph/graphAddress';
import { CancellationService, organizerOnlyMessage } from '../../src/domain/cancellation/cancellationService';
import type {
    AppointmentLocator,
    AppointmentSnapshot,
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
import { UpstreamError } from '../../src/errors/upstreamError';
import { until } from '../support/until';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const actor = { kind: 'user' as const, objectId: 'a11ce', userPrincipalName: 'alice@contoso.test', appId: 'app' };
const inMailbox = (collection: EventLocator['collection']): EventLocator => ({
    version: 'v1.0',
    mailbox: { kind: 'user', userId: 'a11ce' },
    collection,
    eventId: 'EV1',
});
const event = inMailbox({ kind: 'events' });

const meeting: EventSnapshot = {
    id: 'EV1',
    isOrganizer: true,
    isCancelled: false,
    type: 'singleInstance',
    subject: 'Budget review',
    start: '2026-11-23T10:00:00.000Z',
    end: '2026-11-23T11:00:00.000Z',
    attendees: [{ name: 'Bob', address: 'bob@contoso.test', type: 'required', response: 'accepted' }],
};

/** A scripted Graph at the port: each call takes the next behaviour from its queue. */
class ScriptedGraph implements CalendarGraph, BookingsGraph {
    calls: string[] = [];
    gets: Array<() => EventSnapshot> = [];
    cancels: Array<() => void | Promise<void>> = [];
    appointment: AppointmentSnapshot | undefined;

    // Graph's addressing is the adapter's; the fake records the paths it would call.
    eventPath(locator: EventLocator): string {
        return eventPath(locator);
    }
    appointmentPath(appointment: AppointmentLocator): string {
        return appointmentPath(appointment);
    }
    getEvent(locator: EventLocator | RecordedEvent) {
        this.calls.push(`GET ${eventPath(locator)}`);
        const next = this.gets.shift() ?? (() => meeting);
        return Promise.resolve().then(() => ({ ...next(), requestId: `get-${this.calls.length}` }));
    }
    cancelEvent(locator: EventLocator | RecordedEvent, comment: string | undefined) {
        this.calls.push(`POST ${eventPath(locator)}/cancel ${comment ?? ''}`);
        const next = this.cancels.shift() ?? (() => undefined);
        const requestId = `cancel-${this.calls.length}`;
        return Promise.resolve()
            .then(next)
            .then(() => ({ requestId }));
    }
    getAppointment({ businessId, appointmentId }: AppointmentLocator) {
        this.calls.push(`GET ${businessId}/${appointmentId}`);
        const appointment = this.appointment;
        if (!appointment) return Promise.reject(notFound());
        return Promise.resolve({ ...appointment, requestId: 'get-appt' });
    }
    cancelAppointment({ businessId, appointmentId }: AppointmentLocator, message: string) {
        this.calls.push(`POST ${businessId}/${appointmentId}/cancel ${message}`);
        return Promise.resolve({ requestId: 'cancel-appt' });
    }
}

const notFound = () =>
    new UpstreamError(
        404,
        'ErrorItemNotFound',
        'The specified object was not found in the store.',
        'rejected',
        'g-404',
    );

function setup() {
    const store = new MemoryCancellationStore();
    const graph = new ScriptedGraph();
    const sent: NotificationMessage[] = [];
    /** The queue messages, each with the notifications it carries. */
    const queueMessages: (readonly NotificationMessage[])[] = [];
    let queueDown = false;
    let held: Promise<void> | undefined;
    /** One queue message, with one notification or several. */
    const send = async (messages: readonly NotificationMessage[]): Promise<void> => {
        if (queueDown) throw new Error('queue down');
        await held;
        sent.push(...messages);
        queueMessages.push(messages);
    };
    const queue: NotificationQueue & NotificationBatchQueue = {
        enqueue: (message) => send([message]),
        enqueueAll: send,
    };
    let ids = 0;
    let nowMs = Date.parse('2026-11-22T09:00:00Z');
    const clock = { now: () => new Date(nowMs) };
    const relay = new NotificationRelay({ store, notifications: queue, log: () => undefined });
    /** Called each time a request waits for another request's attempt (before the wait). */
    let onWait = (): void => undefined;
    const service = new CancellationService({
        store,
        calendar: graph,
        bookings: graph,
        relay,
        notifications: queue,
        clock,
        newId: () => `c${++ids}`,
        settings: { verifyDelayMs: 60_000, pendingGraceMs: 600_000 },
        log: () => undefined,
        // A wait moves the fake clock and lets every other pending step run first.
        sleep: (ms) => {
            nowMs += ms;
            onWait();
            return new Promise<void>((resolve) => setImmediate(resolve));
        },
    });
    const command = { tenantId, actor, event, mailbox: 'user:a11ce', eventId: 'EV1', comment: 'Sorry' };
    return {
        store,
        graph,
        sent,
        queueMessages,
        service,
        command,
        /** The notifications sent after the answers so far. */
        relayed: () => relay.drain(1_000),
        breakQueue: () => (queueDown = true),
        /** Holds every enqueue until the returned function is called. */
        holdQueue: () => {
            let release = (): void => undefined;
            held = new Promise<void>((resolve) => (release = resolve));
            return release;
        },
        advance: (ms: number) => (nowMs += ms),
        whenWaiting: (then: () => void) => (onWait = then),
    };
}

describe('CancellationService.cancelEvent', () => {
    it('checks the organizer, cancels, records accepted and enqueues one notification', async () => {
        const { service, graph, sent, store, command, relayed } = setup();
        const { record, replayed } = await service.cancelEvent(command);
        expect(replayed).toBe(false);
        expect(graph.calls).toEqual(['GET /users/a11ce/events/EV1', 'POST /users/a11ce/events/EV1/cancel Sorry']);
        expect(record).toMatchObject({
            state: 'accepted',
            comment: 'Sorry',
            attempts: 1,
            // Answered with the notification owed; the relay sends it next.
            notificationPending: true,
            nextCheckAt: '2026-11-22T09:01:00.000Z',
            resource: { subject: 'Budget review', eventType: 'singleInstance', mailbox: 'user:a11ce' },
            audience: [{ address: 'bob@contoso.test', response: 'accepted' }],
        });
        expect(record.graphRequestIds).toEqual(['get-1', 'cancel-2']);
        expect(await relayed()).toBe(0);
        expect(sent).toEqual([expect.objectContaining({ type: 'event.cancelled', cancellationId: record.id })]);
        expect((await store.get(tenantId, record.id))?.value).toMatchObject({
            state: 'accepted',
            notificationPending: false,
            nextCheckAt: '2026-11-22T09:01:00.000Z',
        });
    });

    it('sends the notifications of cancels answered together in one queue message, and clears every flag', async () => {
        const { service, graph, store, queueMessages, command, relayed } = setup();
        graph.gets.push(
            () => meeting,
            () => ({ ...meeting, id: 'EV2', iCalUId: 'ical-EV2' }),
        );
        const answers = await Promise.all([
            service.cancelEvent(command),
            service.cancelEvent({ ...command, eventId: 'EV2' }),
        ]);
        expect(await relayed()).toBe(0);
        expect(queueMessages.map((message) => message.map((notification) => notification.messageId))).toEqual([
            answers.map(({ record }) => `${record.id}.event.cancelled`),
        ]);
        for (const { record } of answers) {
            expect((await store.get(tenantId, record.id))?.value.notificationPending).toBe(false);
        }
    });

    it('a record another writer changed before its flag was cleared keeps the flag; the others of its message clear', async () => {
        const { service, graph, store, command, relayed, holdQueue } = setup();
        graph.gets.push(
            () => meeting,
            () => ({ ...meeting, id: 'EV2', iCalUId: 'ical-EV2' }),
        );
        const release = holdQueue();
        const [first, second] = await Promise.all([
            service.cancelEvent(command),
            service.cancelEvent({ ...command, eventId: 'EV2' }),
        ]);
        const moved = await store.get(tenantId, first.record.id);
        await store.update({ ...moved!.value, comment: 'changed by reconciliation' }, moved!.etag);

        release();
        expect(await relayed()).toBe(0);
        // Its flag stays for reconciliation to send again (the same messageId); the other record is done.
        expect((await store.get(tenantId, first.record.id))?.value).toMatchObject({
            notificationPending: true,
            comment: 'changed by reconciliation',
        });
        expect((await store.get(tenantId, second.record.id))?.value.notificationPending).toBe(false);
    });

    it('sends a notification when the window ends, with no drain', async () => {
        const { service, queueMessages, command } = setup();
        const { record } = await service.cancelEvent(command);
        const message = await until('the queue message', () => queueMessages[0]);
        expect(message).toEqual([expect.objectContaining({ cancellationId: record.id })]);
    });

    it("records the immutable id Graph gave on the read before the cancel, next to the caller's id", async () => {
        const { service, graph, command } = setup();
        graph.gets.push(() => ({ ...meeting, immutableId: 'AAkALg-EV1=' }));
        const { record } = await service.cancelEvent(command);
        expect(record.resource).toMatchObject({ eventId: 'EV1', immutableId: 'AAkALg-EV1=' });
    });

    it('answers without waiting for the notification queue, and sends once the queue answers', async () => {
        const { service, sent, store, command, relayed, holdQueue } = setup();
        const release = holdQueue();
        const { record } = await service.cancelEvent(command);
        expect(sent).toHaveLength(0);
        expect((await store.get(tenantId, record.id))?.value).toMatchObject({
            state: 'accepted',
            notificationPending: true,
        });
        expect(await relayed()).toBe(1);

        release();
        expect(await relayed()).toBe(0);
        expect(sent).toHaveLength(1);
        expect((await store.get(tenantId, record.id))?.value.notificationPending).toBe(false);
    });

    it("refuses an attendee with Graph's 400 and changes nothing", async () => {
        const { service, graph, sent, store, command } = setup();
        graph.gets.push(() => ({ ...meeting, isOrganizer: false }));
        await expect(service.cancelEvent(command)).rejects.toMatchObject({
            status: 400,
            message: organizerOnlyMessage,
        });
        expect(graph.calls).toEqual(['GET /users/a11ce/events/EV1']);
        expect(store.records.size).toBe(0);
        expect(sent).toHaveLength(0);
    });

    it('passes a missing event through as 404 without a record', async () => {
        const { service, graph, store, command } = setup();
        graph.gets.push(() => {
            throw notFound();
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 404, code: 'ErrorItemNotFound' });
        expect(store.records.size).toBe(0);
    });

    it('replays an item it already cancelled instead of cancelling it again', async () => {
        const { service, graph, sent, command, relayed } = setup();
        const first = await service.cancelEvent(command);
        graph.calls = [];
        await relayed();
        graph.gets.push(() => {
            throw notFound();
        });
        const again = await service.cancelEvent(command);
        expect(again).toEqual({ record: { ...first.record, notificationPending: false }, replayed: true });
        // Graph is asked whether the item is still gone; it is never cancelled twice.
        expect(graph.calls).toEqual(['GET /users/a11ce/events/EV1']);
        await relayed();
        expect(sent).toHaveLength(1);
    });

    it('records failed when Graph refuses the cancel', async () => {
        const { service, graph, store, command } = setup();
        graph.cancels.push(() => {
            throw new UpstreamError(403, 'ErrorAccessDenied', 'Access is denied.', 'rejected', 'g-403');
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 403 });
        const [stored] = [...store.records.values()];
        expect(stored?.value).toMatchObject({ state: 'failed', lastError: { status: 403, code: 'ErrorAccessDenied' } });
        expect(stored?.value.nextCheckAt).toBeUndefined();
        expect(stored?.value.graphRequestIds).toContain('g-403');
    });

    it('keeps an unknown outcome pending and finishes it when a retry finds the item gone', async () => {
        const { service, graph, store, sent, command, relayed } = setup();
        graph.cancels.push(() => {
            throw new UpstreamError(504, 'gatewayTimeout', 'no answer', 'unknown', undefined);
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 504 });
        const [pending] = [...store.records.values()];
        expect(pending?.value).toMatchObject({
            state: 'pending',
            nextCheckAt: '2026-11-22T09:10:00.000Z',
            attempts: 1,
        });

        graph.gets.push(() => {
            throw notFound();
        });
        const retry = await service.cancelEvent(command);
        expect(retry.replayed).toBe(true);
        expect(retry.record).toMatchObject({ id: pending?.value.id, state: 'accepted' });
        expect(store.records.size).toBe(1);
        await relayed();
        expect(sent).toHaveLength(1);
    });

    it('leaves the notification flagged for reconciliation when the queue is down', async () => {
        const { service, breakQueue, command } = setup();
        breakQueue();
        const { record } = await service.cancelEvent(command);
        expect(record).toMatchObject({ state: 'accepted', notificationPending: true });
    });
});

const unavailable = () => new UpstreamError(503, 'serviceNotAvailable', 'try later', 'unknown', 'g-503');
const bob = { kind: 'user' as const, objectId: 'b0b', userPrincipalName: 'bob@contoso.test', appId: 'app' };

describe('CancellationService: integrity of records', () => {
    it("leaves a pending record pending when a retry's 404 is for another path, and the record's item is active", async () => {
        const { service, graph, store, sent, command, relayed } = setup();
        graph.cancels.push(() => {
            throw unavailable();
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 503 });
        graph.calls = [];
        // The retry addresses the item through another calendar, where Graph does not find it.
        const otherCalendar = inMailbox({ kind: 'calendar', calendarId: 'CAL2' });
        graph.gets.push(() => {
            throw notFound();
        });
        await expect(service.cancelEvent({ ...command, event: otherCalendar })).rejects.toMatchObject({
            status: 404,
            code: 'ErrorItemNotFound',
        });
        // Graph is asked about the record's own item, which is still there: nothing is claimed or cancelled.
        expect(graph.calls).toEqual(['GET /users/a11ce/calendars/CAL2/events/EV1', 'GET /users/a11ce/events/EV1']);
        const [stored] = [...store.records.values()];
        expect(stored?.value.state).toBe('pending');
        await relayed();
        expect(sent).toEqual([]);
    });

    it("finishes a pending record on a retry through another path when the record's own item is gone", async () => {
        const { service, graph, store, command } = setup();
        graph.cancels.push(() => {
            throw unavailable();
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 503 });
        const other = inMailbox({ kind: 'defaultCalendar' });
        graph.gets.push(
            () => {
                throw notFound();
            },
            () => {
                throw notFound();
            },
        );
        const retry = await service.cancelEvent({ ...command, event: other });
        expect(retry).toMatchObject({ replayed: true, record: { state: 'accepted' } });
        expect(store.records.size).toBe(1);
    });

    it('cancels again, as drift, an item it cancelled that is active again', async () => {
        const { service, graph, store, sent, command, relayed } = setup();
        const first = await service.cancelEvent(command);
        await relayed();
        graph.calls = [];
        // Graph shows the meeting active again (restored with the same id).
        const again = await service.cancelEvent({ ...command, comment: 'Still off' });
        expect(again.replayed).toBe(false);
        expect(graph.calls).toEqual(['GET /users/a11ce/events/EV1', 'POST /users/a11ce/events/EV1/cancel Still off']);
        expect(again.record).toMatchObject({ id: first.record.id, state: 'repaired', comment: 'Still off' });
        expect(again.record.nextCheckAt).toBeUndefined();
        await relayed();
        // As reconciliation announces a drift it finds; its repair is not announced again.
        expect(sent.map((m) => m.type)).toEqual(['event.cancelled', 'cancellation.drifted']);
        expect(store.records.size).toBe(1);
        expect((await store.findByResource(tenantId, first.record.resource.resourceKey))?.value.id).toBe(
            first.record.id,
        );
        // Gone again: replayed.
        graph.calls = [];
        graph.gets.push(() => {
            throw notFound();
        });
        expect(await service.cancelEvent(command)).toMatchObject({ replayed: true, record: { state: 'repaired' } });
        expect(graph.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
    });

    it('replays a finished record while Graph shows the item cancelled, and refuses an attendee of an active one', async () => {
        const { service, graph, command } = setup();
        await service.cancelEvent(command);
        graph.gets.push(() => ({ ...meeting, isCancelled: true }));
        expect(await service.cancelEvent(command)).toMatchObject({ replayed: true, record: { state: 'accepted' } });
        graph.gets.push(() => ({ ...meeting, isOrganizer: false }));
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 400 });
        expect(graph.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    });

    it('sends two identical concurrent cancels to Graph once; the second replays the first', async () => {
        const { service, graph, store, command, whenWaiting } = setup();
        let release = (): void => undefined;
        const held = new Promise<void>((resolve) => (release = resolve));
        graph.cancels.push(() => held);
        // Graph answers the first cancel only once the second request is waiting for it.
        whenWaiting(release);
        const [first, second] = await Promise.all([service.cancelEvent(command), service.cancelEvent(command)]);
        expect(graph.calls.filter((c) => c.startsWith('POST'))).toEqual(['POST /users/a11ce/events/EV1/cancel Sorry']);
        expect(first).toMatchObject({ replayed: false, record: { state: 'accepted' } });
        expect(second).toMatchObject({ replayed: true, record: { id: first.record.id, state: 'accepted' } });
        expect(store.records.size).toBe(1);
        expect((await store.findByResource(tenantId, first.record.resource.resourceKey))?.value.id).toBe(
            first.record.id,
        );
    });

    it('answers 409 with Retry-After when the other attempt is still running after the wait', async () => {
        const { service, graph, command } = setup();
        let release = (): void => undefined;
        graph.cancels.push(() => new Promise<void>((resolve) => (release = resolve)));
        const first = service.cancelEvent(command);
        await expect(service.cancelEvent(command)).rejects.toMatchObject({
            status: 409,
            code: 'cancellationInProgress',
            headers: { 'Retry-After': '5' },
        });
        release();
        await expect(first).resolves.toMatchObject({ replayed: false });
        expect(graph.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    });

    it('reads the earlier record only when it can matter: not for a first cancel of an active item', async () => {
        const { service, graph, store, command, relayed } = setup();
        const reads = jest.spyOn(store, 'findByResource');
        const first = await service.cancelEvent(command);
        expect(first).toMatchObject({ replayed: false, record: { state: 'accepted' } });
        expect(reads).not.toHaveBeenCalled();
        await relayed();
        // Graph shows it cancelled: the earlier record is read and replayed, and Graph is not asked to cancel again.
        graph.gets.push(() => ({ ...meeting, isCancelled: true }));
        await expect(service.cancelEvent(command)).resolves.toMatchObject({
            replayed: true,
            record: { id: first.record.id },
        });
        expect(reads).toHaveBeenCalledTimes(1);
        // Active again (drift): the create finds the pointer taken, so the record is read and re-cancelled on it.
        const drift = await service.cancelEvent(command);
        expect(drift).toMatchObject({ replayed: false, record: { id: first.record.id, state: 'repaired' } });
        expect(reads).toHaveBeenCalledTimes(2);
        expect(store.pointers.size).toBe(1);
        expect(graph.calls.filter((call) => call.startsWith('POST'))).toHaveLength(2);
    });

    it('supersedes a failed record with a new one, conditionally on the pointer', async () => {
        const { service, graph, store, command } = setup();
        graph.cancels.push(() => {
            throw new UpstreamError(403, 'ErrorAccessDenied', 'Access is denied.', 'rejected', 'g-403');
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 403 });
        const second = await service.cancelEvent(command);
        expect(second.record).toMatchObject({ state: 'accepted' });
        expect(second.record.id).not.toBe('c1');
        expect((await store.findByResource(tenantId, second.record.resource.resourceKey))?.value.id).toBe(
            second.record.id,
        );
        expect((await store.get(tenantId, 'c1'))?.value.state).toBe('failed');
    });

    it('records who performed a retried cancel, with their comment, and keeps the earlier attempt', async () => {
        const { service, graph, sent, command, relayed } = setup();
        graph.cancels.push(() => {
            throw unavailable();
        });
        await expect(service.cancelEvent(command)).rejects.toMatchObject({ status: 503 });
        const retry = await service.cancelEvent({ ...command, actor: bob, comment: 'Bob: room is gone' });
        expect(graph.calls.filter((c) => c.startsWith('POST'))).toEqual([
            'POST /users/a11ce/events/EV1/cancel Sorry',
            'POST /users/a11ce/events/EV1/cancel Bob: room is gone',
        ]);
        expect(retry.record).toMatchObject({
            state: 'accepted',
            actor: { objectId: 'b0b' },
            comment: 'Bob: room is gone',
            attempts: 2,
            history: [
                { actor: { objectId: 'a11ce' }, comment: 'Sorry', outcome: 'unknown' },
                { actor: { objectId: 'b0b' }, comment: 'Bob: room is gone', outcome: 'accepted' },
            ],
        });
        await relayed();
        expect(sent).toEqual([expect.objectContaining({ type: 'event.cancelled', cancellationId: retry.record.id })]);
    });
});

describe('CancellationService.cancelAppointment', () => {
    const command = {
        tenantId,
        actor,
        version: 'v1.0' as const,
        businessId: 'ContosoLunch@contoso.test',
        appointmentId: 'AP1',
        cancellationMessage: 'Kitchen closed',
    };

    it('records the customers and sends the message', async () => {
        const { service, graph, sent, relayed } = setup();
        graph.appointment = {
            id: 'AP1',
            serviceName: 'Lunch',
            customers: [{ name: 'Dana', address: 'dana@example.com', phone: '+1 555', type: 'customer' }],
        };
        const { record } = await service.cancelAppointment(command);
        expect(graph.calls).toEqual([
            'GET ContosoLunch@contoso.test/AP1',
            'POST ContosoLunch@contoso.test/AP1/cancel Kitchen closed',
        ]);
        expect(record).toMatchObject({
            kind: 'bookingAppointment',
            state: 'accepted',
            cancellationMessage: 'Kitchen closed',
            resource: { mailbox: 'contosolunch@contoso.test', businessId: 'ContosoLunch@contoso.test' },
            audience: [{ name: 'Dana', phone: '+1 555', type: 'customer' }],
        });
        expect(record.resource.graphPath).toBe(
            '/solutions/bookingBusinesses/ContosoLunch%40contoso.test/appointments/AP1',
        );
        await relayed();
        expect(sent.map((m) => m.type)).toEqual(['bookingAppointment.cancelled']);
    });

    it('answers 404 for a missing appointment, and replays one it cancelled earlier', async () => {
        const { service, graph, relayed } = setup();
        await expect(service.cancelAppointment(command)).rejects.toMatchObject({ status: 404 });
        graph.appointment = { id: 'AP1', customers: [] };
        const first = await service.cancelAppointment(command);
        graph.appointment = undefined;
        await relayed();
        const again = await service.cancelAppointment({ ...command, businessId: 'contosolunch@CONTOSO.test' });
        expect(again).toEqual({ record: { ...first.record, notificationPending: false }, replayed: true });
    });
});
