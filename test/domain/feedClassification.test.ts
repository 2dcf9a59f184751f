import { eventPath } from '../../src/adapters/graph/graphAddress';
import { CancellationService } from '../../src/domain/cancellation/cancellationService';
import type { CalendarGraph, EventLocator, EventSnapshot } from '../../src/domain/cancellation/graphPorts';
import { NotificationRelay } from '../../src/domain/cancellation/notificationRelay';
import type { FeedChangeMessage } from '../../src/domain/feed/changeMessage';
import { handleFeedChange, handleFeedChanges } from '../../src/domain/feed/handleFeedChange';
import { RecentlyRecordedCopies } from '../../src/domain/feed/recentlyRecordedCopies';
import type { FeedEvent } from '../../src/domain/feed/feedGraph';
import type { NotificationMessage } from '../../src/domain/notifications/notificationMessage';
import { calendarFolder, deletedItemsFolder, FakeFeedGraph } from '../support/fakes/fakeFeedGraph';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const users = {
    alice: { id: 'a11ce000-0000-4000-8000-000000000001', upn: 'alice@contoso.test' },
    bob: { id: 'b0b00000-0000-4000-8000-000000000002', upn: 'bob@contoso.test' },
    carol: { id: 'ca201000-0000-4000-8000-000000000003', upn: 'carol@contoso.test' },
    dan: { id: 'da900000-0000-4000-8000-000000000004', upn: 'dan@contoso.test' },
};
const attendees = [users.bob, users.carol, users.dan].map((user) => ({
    name: user.upn,
    address: user.upn,
    type: 'required',
    response: 'accepted',
}));
const start = '2026-12-10T09:00:00.000Z';

/** Alice's meeting with Bob, Carol and Dan: her copy and theirs, one iCalUId, each copy with its own id. */
const organizerCopy: FeedEvent = {
    id: 'AAkALgImmAlice=',
    isOrganizer: true,
    isCancelled: false,
    organizer: { name: 'Alice', address: users.alice.upn },
    type: 'singleInstance',
    iCalUId: '040000008200E00074C5B7101A82E008-planning',
    subject: 'Quarterly planning',
    start,
    end: '2026-12-10T10:00:00.000Z',
    attendees,
    parentFolderId: calendarFolder,
};
const attendeeCopyId = (user: { upn: string }) => `AAkALgImm-${user.upn}=`;

function setup() {
    const store = new MemoryCancellationStore();
    const graph = new FakeFeedGraph();
    graph.put(users.alice.id, organizerCopy);
    for (const user of [users.bob, users.carol, users.dan]) {
        graph.put(user.id, { ...organizerCopy, id: attendeeCopyId(user), isOrganizer: false });
    }
    const sent: NotificationMessage[] = [];
    let queueDown = false;
    /** One queue message, with one notification or several. */
    const send = (messages: readonly NotificationMessage[]): Promise<void> => {
        if (queueDown) return Promise.reject(new Error('queue down'));
        sent.push(...messages);
        return Promise.resolve();
    };
    const notifications = {
        enqueue: (message: NotificationMessage) => send([message]),
        enqueueAll: send,
    };
    const directoryLookups: string[] = [];
    const directory = {
        findUser: (idOrUpn: string) => {
            directoryLookups.push(idOrUpn);
            const user = Object.values(users).find((u) => u.upn === idOrUpn.toLowerCase() || u.id === idOrUpn);
            return Promise.resolve(user ? { id: user.id, userPrincipalName: user.upn } : null);
        },
    };
    let ids = 0;
    const clock = { now: () => new Date('2026-12-04T09:30:00Z') };
    const deps = {
        store,
        notifications,
        clock,
        log: () => undefined,
        graph,
        directory,
        newId: () => `rec-${++ids}`,
    };
    const change = (
        mailbox: string,
        eventId: string,
        changeType: 'updated' | 'deleted' = 'updated',
    ): Promise<Awaited<ReturnType<typeof handleFeedChange>>> =>
        handleFeedChange(
            {
                schemaVersion: 1,
                kind: 'event',
                tenantId,
                mailbox,
                eventId,
                changeType,
                subscriptionId: 'sub-1',
                observedAt: clock.now().toISOString(),
            },
            deps,
        );
    const records = () => [...store.records.values()].map((stored) => stored.value);
    return {
        store,
        graph,
        sent,
        deps,
        clock,
        change,
        records,
        directoryLookups,
        setQueueDown: (down: boolean) => (queueDown = down),
    };
}

/** What Outlook does when Alice cancels: her copy cancelled and moved to Deleted Items, every attendee's cancelled. */
function cancelInOutlook(graph: FakeFeedGraph): void {
    graph.change(users.alice.id, organizerCopy.id, { isCancelled: true, parentFolderId: deletedItemsFolder });
    for (const user of [users.bob, users.carol, users.dan]) {
        graph.change(user.id, attendeeCopyId(user), { isCancelled: true });
    }
}

describe('the feed worker: outside cancellations of Outlook meetings', () => {
    it('records a meeting cancelled in Outlook once, from the organizer and three watched attendees', async () => {
        const { graph, change, records, sent } = setup();
        cancelInOutlook(graph);

        const outcomes = [
            await change(users.bob.id, attendeeCopyId(users.bob)),
            await change(users.alice.id, organizerCopy.id, 'deleted'),
            await change(users.carol.id, attendeeCopyId(users.carol)),
            await change(users.dan.id, attendeeCopyId(users.dan)),
        ].map((result) => result.outcome);

        expect(outcomes).toEqual(['recorded', 'alreadyRecorded', 'alreadyRecorded', 'alreadyRecorded']);
        expect(records()).toHaveLength(1);
        const [record] = records();
        expect(record).toMatchObject({
            kind: 'event',
            origin: 'outlook',
            state: 'verified',
            notificationPending: false,
            actor: { kind: 'user', objectId: users.alice.id, userPrincipalName: users.alice.upn, basis: 'observed' },
            resource: {
                iCalUId: organizerCopy.iCalUId,
                subject: 'Quarterly planning',
                start,
                end: organizerCopy.end,
            },
            audience: attendees,
        });
        expect(record?.nextCheckAt).toBeUndefined();
        expect(sent).toEqual([
            expect.objectContaining({ type: 'event.cancelled', tenantId, cancellationId: record?.id }),
        ]);
    });

    it("records the organizer's own copy with the organizer's mailbox and immutable id", async () => {
        const { graph, change, records } = setup();
        cancelInOutlook(graph);

        expect((await change(users.alice.id, organizerCopy.id)).outcome).toBe('recorded');

        expect(records()[0]?.resource).toMatchObject({
            mailbox: `user:${users.alice.id}`,
            immutableId: organizerCopy.id,
            graphPath: `/users/${users.alice.id}/events/${encodeURIComponent(organizerCopy.id)}`,
        });
    });

    it('sees a meeting its organizer deleted (moved to Deleted Items, not marked cancelled)', async () => {
        const { graph, change, records } = setup();
        graph.change(users.alice.id, organizerCopy.id, { parentFolderId: deletedItemsFolder });

        expect(await change(users.alice.id, organizerCopy.id, 'deleted')).toMatchObject({ outcome: 'recorded' });
        expect(records()[0]?.origin).toBe('outlook');
    });

    it('reports nothing for a change that is not a cancellation', async () => {
        const { graph, change, records, sent } = setup();
        // An edit of the subject: still in a calendar, not cancelled.
        graph.change(users.alice.id, organizerCopy.id, { subject: 'Quarterly planning (room 4)' });
        expect(await change(users.alice.id, organizerCopy.id)).toEqual({
            outcome: 'notACancellation',
            reason: 'active',
        });
        // Moved to another of her calendars: `deleted` for the events collection, but still in a calendar.
        graph.change(users.alice.id, organizerCopy.id, { parentFolderId: 'AAMkSecondCalendar=' });
        expect((await change(users.alice.id, organizerCopy.id, 'deleted')).outcome).toBe('notACancellation');
        // Bob removed his own copy: the meeting goes on.
        graph.change(users.bob.id, attendeeCopyId(users.bob), { parentFolderId: deletedItemsFolder });
        expect(await change(users.bob.id, attendeeCopyId(users.bob), 'deleted')).toEqual({
            outcome: 'notACancellation',
            reason: 'attendeeCopyRemoved',
        });
        expect(records()).toEqual([]);
        expect(sent).toEqual([]);
    });

    it('classifies an attendee-less meeting deleted by its organizer as no cancellation', async () => {
        const { graph, change, records } = setup();
        graph.put(users.alice.id, {
            ...organizerCopy,
            id: 'AAkALgImmFocus=',
            iCalUId: 'focus-time',
            attendees: [],
            parentFolderId: deletedItemsFolder,
        });

        expect(await change(users.alice.id, 'AAkALgImmFocus=', 'deleted')).toEqual({
            outcome: 'notACancellation',
            reason: 'noAttendees',
        });
        expect(records()).toEqual([]);
    });

    it('reports nothing for an item purged before it was read (404)', async () => {
        const { graph, change, records } = setup();
        graph.purge(users.alice.id, organizerCopy.id);

        expect(await change(users.alice.id, organizerCopy.id, 'deleted')).toEqual({
            outcome: 'notACancellation',
            reason: 'gone',
        });
        expect(records()).toEqual([]);
    });

    it("gives an attendee copy's record to the organizer, resolved in the directory", async () => {
        const { graph, change, records, directoryLookups } = setup();
        cancelInOutlook(graph);

        await change(users.carol.id, attendeeCopyId(users.carol));

        expect(directoryLookups).toEqual([users.alice.upn]);
        expect(records()[0]?.actor).toMatchObject({ objectId: users.alice.id, basis: 'observed' });
    });

    it('gives a meeting organized outside the tenant to administrators only (the address as owner)', async () => {
        const { graph, change, records } = setup();
        graph.put(users.bob.id, {
            ...organizerCopy,
            id: 'AAkALgImmPartner=',
            isOrganizer: false,
            isCancelled: true,
            organizer: { name: 'Partner', address: 'Pat@Fabrikam.example' },
            iCalUId: 'partner-meeting',
        });

        await change(users.bob.id, 'AAkALgImmPartner=');

        expect(records()[0]?.actor).toMatchObject({
            objectId: 'pat@fabrikam.example',
            userPrincipalName: 'Pat@Fabrikam.example',
        });
    });

    it('keeps one record per occurrence: another start of the same series is another meeting', async () => {
        const { graph, change, records } = setup();
        const occurrence = (id: string, at: string): FeedEvent => ({
            ...organizerCopy,
            id,
            type: 'occurrence',
            seriesMasterId: 'AAkMaster=',
            isOrganizer: false,
            isCancelled: true,
            start: at,
        });
        graph.put(users.bob.id, occurrence('AAkOcc1=', '2026-12-11T09:00:00Z'));
        graph.put(users.carol.id, occurrence('AAkOcc1c=', '2026-12-11T09:00:00.000Z'));
        graph.put(users.bob.id, occurrence('AAkOcc2=', '2026-12-18T09:00:00Z'));

        const outcomes = [
            await change(users.bob.id, 'AAkOcc1='),
            await change(users.carol.id, 'AAkOcc1c='),
            await change(users.bob.id, 'AAkOcc2='),
        ].map((result) => result.outcome);

        expect(outcomes).toEqual(['recorded', 'alreadyRecorded', 'recorded']);
        expect(records().map((record) => record.resource.start)).toEqual(
            expect.arrayContaining(['2026-12-11T09:00:00Z', '2026-12-18T09:00:00Z']),
        );
    });

    it('leaves the notification to reconciliation when the queue is down (outbox flag and due time kept)', async () => {
        const { graph, change, records, setQueueDown, sent } = setup();
        cancelInOutlook(graph);
        setQueueDown(true);

        await change(users.alice.id, organizerCopy.id);

        expect(sent).toEqual([]);
        expect(records()[0]).toMatchObject({ notificationPending: true, state: 'verified' });
        expect(records()[0]?.nextCheckAt).toBeDefined();
    });

    it('does not report again a meeting the gateway itself cancelled', async () => {
        const { graph, change, records, store, sent, deps } = setup();
        // The gateway's cancel reads the organizer's copy first (organizer, iCalUId, start), then cancels it.
        const calendar: CalendarGraph = {
            eventPath: (locator) => eventPath(locator),
            getEvent: () =>
                Promise.resolve<EventSnapshot & { requestId: string }>({
                    ...organizerCopy,
                    id: 'AAMkRegularAlice=',
                    immutableId: organizerCopy.id,
                    requestId: 'get-1',
                }),
            cancelEvent: () => {
                cancelInOutlook(graph);
                return Promise.resolve({ requestId: 'cancel-1' });
            },
        };
        const relay = new NotificationRelay({ ...deps, log: () => undefined });
        const service = new CancellationService({
            store,
            calendar,
            bookings: { appointmentPath: () => '', getAppointment: unused, cancelAppointment: unused },
            relay,
            notifications: deps.notifications,
            clock: deps.clock,
            newId: () => 'gateway-1',
            settings: { verifyDelayMs: 60_000, pendingGraceMs: 600_000 },
            log: () => undefined,
        });
        const locator: EventLocator = {
            version: 'v1.0',
            mailbox: { kind: 'user', userId: users.alice.id },
            collection: { kind: 'events' },
            eventId: 'AAMkRegularAlice=',
        };
        await service.cancelEvent({
            tenantId,
            actor: { kind: 'user', objectId: users.alice.id, appId: 'app', basis: 'owner' },
            event: locator,
            mailbox: `user:${users.alice.id}`,
            eventId: 'AAMkRegularAlice=',
        });
        await relay.drain(10_000);

        const outcomes = [
            await change(users.alice.id, organizerCopy.id, 'deleted'),
            await change(users.bob.id, attendeeCopyId(users.bob)),
            await change(users.carol.id, attendeeCopyId(users.carol)),
        ].map((result) => result.outcome);

        expect(outcomes).toEqual(['alreadyRecorded', 'alreadyRecorded', 'alreadyRecorded']);
        expect(records().map((record) => record.id)).toEqual(['gateway-1']);
        expect(sent.map((message) => message.type)).toEqual(['event.cancelled']);
    });

    it('handles every item of an events message (one POST) and records the meeting once', async () => {
        const { graph, deps, records, sent } = setup();
        cancelInOutlook(graph);

        const outcomes = await handleFeedChanges(
            {
                schemaVersion: 1,
                kind: 'events',
                tenantId,
                items: [
                    { mailbox: users.alice.id, eventId: organizerCopy.id, changeType: 'deleted', subscriptionId: 's1' },
                    { mailbox: users.bob.id, eventId: attendeeCopyId(users.bob), changeType: 'updated' },
                    { mailbox: users.carol.id, eventId: 'AAkALgNoSuchCopy=', changeType: 'deleted' },
                ],
                observedAt: '2026-12-04T09:30:00.000Z',
            },
            deps,
        );

        expect(outcomes).toEqual([
            { item: organizerCopy.id, result: expect.objectContaining({ outcome: 'recorded', recordId: 'rec-1' }) },
            { item: attendeeCopyId(users.bob), result: expect.objectContaining({ outcome: 'alreadyRecorded' }) },
            { item: 'AAkALgNoSuchCopy=', result: { outcome: 'notACancellation', reason: 'gone' } },
        ]);
        expect(records()).toHaveLength(1);
        expect(sent.map((message) => message.type)).toEqual(['event.cancelled']);
    });

    it('reads Graph once for a copy notified again while its meeting is remembered as recorded, again after the TTL', async () => {
        const { graph, deps, records } = setup();
        cancelInOutlook(graph);
        let nowMs = Date.parse('2026-12-04T09:30:00Z');
        const clock = { now: () => new Date(nowMs) };
        const remembering = { ...deps, recentlyRecorded: new RecentlyRecordedCopies(clock, 60_000) };
        const bob = (): FeedChangeMessage => ({
            schemaVersion: 1,
            kind: 'event',
            tenantId,
            mailbox: users.bob.id,
            eventId: attendeeCopyId(users.bob),
            changeType: 'updated',
            observedAt: '2026-12-04T09:30:00.000Z',
        });
        const outcome = async () => (await handleFeedChanges(bob(), remembering))[0]?.result.outcome;

        expect(await outcome()).toBe('recorded');
        const readsOfFirst = graph.reads.length;
        expect([await outcome(), await outcome(), await outcome()]).toEqual([
            'alreadyRecorded',
            'alreadyRecorded',
            'alreadyRecorded',
        ]);
        expect(graph.reads).toHaveLength(readsOfFirst);

        nowMs += 60_000;
        expect(await outcome()).toBe('alreadyRecorded');
        expect(graph.reads.length).toBeGreaterThan(readsOfFirst);
        expect(records()).toHaveLength(1);
    });

    it('does not remember a copy that was not a cancellation: its next change is read', async () => {
        const { graph, deps } = setup();
        const remembering = { ...deps, recentlyRecorded: new RecentlyRecordedCopies(deps.clock) };
        const alice: FeedChangeMessage = {
            schemaVersion: 1,
            kind: 'event',
            tenantId,
            mailbox: users.alice.id,
            eventId: organizerCopy.id,
            changeType: 'updated',
            observedAt: '2026-12-04T09:30:00.000Z',
        };
        expect((await handleFeedChanges(alice, remembering))[0]?.result.outcome).toBe('notACancellation');
        cancelInOutlook(graph);
        expect((await handleFeedChanges(alice, remembering))[0]?.result.outcome).toBe('recorded');
    });

    it('tries every item of an events message before failing it, so a retry of the whole message records once', async () => {
        const { graph, deps, records } = setup();
        cancelInOutlook(graph);
        const readEvent = graph.readEvent.bind(graph);
        let graphDown = true;
        graph.readEvent = (mailbox, id) =>
            graphDown && mailbox === users.bob.id ? Promise.reject(new Error('Graph 503')) : readEvent(mailbox, id);
        const message: FeedChangeMessage = {
            schemaVersion: 1,
            kind: 'events',
            tenantId,
            items: [
                { mailbox: users.bob.id, eventId: attendeeCopyId(users.bob), changeType: 'updated' },
                { mailbox: users.carol.id, eventId: attendeeCopyId(users.carol), changeType: 'updated' },
            ],
            observedAt: '2026-12-04T09:30:00.000Z',
        };

        await expect(handleFeedChanges(message, deps)).rejects.toThrow('Graph 503');
        expect(records()).toHaveLength(1);

        graphDown = false;
        const retried = await handleFeedChanges(message, deps);
        expect(retried.map(({ result }) => result.outcome)).toEqual(['alreadyRecorded', 'alreadyRecorded']);
        expect(records()).toHaveLength(1);
    });
});

const unused = () => Promise.reject(new Error('not used'));

describe('the feed worker: appointments that disappeared from Bookings', () => {
    const businessId = 'contosolunch@contoso.test';
    const snapshot = {
        id: 'AAMkAppt1=',
        businessId,
        serviceName: 'Lunch for two',
        start: '2026-12-12T12:00:00.000Z',
        end: '2026-12-12T13:00:00.000Z',
        customers: [{ name: 'Erin', address: 'erin@example.test', phone: '+1 555 0100', type: 'customer' as const }],
    };
    const bookingMessage = (
        observedAt = '2026-12-04T09:30:00.000Z',
        appointment = snapshot,
    ): Extract<FeedChangeMessage, { kind: 'bookingAppointment' }> => ({
        schemaVersion: 1,
        kind: 'bookingAppointment',
        tenantId,
        businessId,
        appointmentId: appointment.id,
        snapshot: JSON.stringify(appointment),
        observedAt,
    });

    it('records bookingAppointment.cancelled with origin bookings and the customers of the snapshot', async () => {
        const { deps, records, sent } = setup();

        expect((await handleFeedChange(bookingMessage(), deps)).outcome).toBe('recorded');

        expect(records()[0]).toMatchObject({
            kind: 'bookingAppointment',
            origin: 'bookings',
            state: 'verified',
            actor: { objectId: businessId, basis: 'observed' },
            resource: { businessId, appointmentId: 'AAMkAppt1=', subject: 'Lunch for two', start: snapshot.start },
            audience: snapshot.customers,
        });
        expect(sent.map((message) => message.type)).toEqual(['bookingAppointment.cancelled']);
        // The same disappearance reported twice (a poll repeated after a crash) is one record.
        expect((await handleFeedChange(bookingMessage(), deps)).outcome).toBe('alreadyRecorded');
    });

    it('does not report an appointment the gateway cancelled', async () => {
        const { deps, store, records } = setup();
        store.seed({
            id: 'gateway-appt',
            tenantId,
            kind: 'bookingAppointment',
            state: 'accepted',
            createdAt: '2026-12-04T09:00:00.000Z',
            updatedAt: '2026-12-04T09:00:00.000Z',
            actor: { kind: 'user', objectId: 'staff', appId: 'app', basis: 'staff' },
            resource: {
                version: 'v1.0',
                graphPath: '/solutions/bookingBusinesses/x/appointments/y',
                resourceKey: `bookingAppointment|${businessId}|AAMkAppt1=`,
                mailbox: businessId,
            },
            audience: [],
            graphRequestIds: [],
            attempts: 1,
            notificationPending: false,
        });

        expect((await handleFeedChange(bookingMessage(), deps)).outcome).toBe('alreadyRecorded');
        expect(records().map((record) => record.id)).toEqual(['gateway-appt']);
    });

    it('does not report an appointment whose start had passed', async () => {
        const { deps, records } = setup();

        expect(await handleFeedChange(bookingMessage('2026-12-12T12:30:00.000Z'), deps)).toEqual({
            outcome: 'notACancellation',
            reason: 'startPassed',
        });
        expect(records()).toEqual([]);
    });
});
