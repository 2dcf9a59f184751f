import type { TokenCredential } from '@azure/identity';
import { demoFixture, demoIds } from '../../dev/graph-emulator/demoTenant';
import { startGraphEmulator, type RunningGraphEmulator } from '../../dev/graph-emulator/server';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';
import { GraphBookings } from '../../src/adapters/graph/graphBookings';
import { GraphBookingsFeed } from '../../src/adapters/graph/graphBookingsFeed';
import { GraphCalendar } from '../../src/adapters/graph/graphCalendar';
import { GraphClient } from '../../src/adapters/graph/graphClient';
import { GraphFeedCalendar } from '../../src/adapters/graph/graphFeedCalendar';
import { classifyEventChange } from '../../src/domain/feed/classifyEvent';
import { meetingKey } from '../../src/domain/feed/meetingKey';

/** The feed's Graph reads against the in-process emulator: the wire shapes, `$select`s and ids they rely on. */
describe("the feed's Graph reads", () => {
    let emulator: RunningGraphEmulator;
    let graph: GraphClient;
    const [alice] = devTenant.users;

    beforeAll(async () => {
        emulator = await startGraphEmulator({ port: 0, tlsPort: 0, fixture: demoFixture() });
        const credential: TokenCredential = {
            getToken: () =>
                Promise.resolve({
                    token: mintToken({
                        app: devTenant.gatewayGraphClient.clientId,
                        roles: ['Calendars.ReadWrite', 'Bookings.ReadWrite.All', 'User.Read.All'],
                        audience: graphAudience,
                        version: 1,
                        issuerHost: emulator.tlsUrl,
                    }),
                    expiresOnTimestamp: Date.now() + 3_600_000,
                }),
        };
        graph = new GraphClient({ baseUrl: emulator.tlsUrl, credential, timeoutMs: 10_000, retryDeadlineMs: 0 });
    });
    afterAll(() => emulator.close());

    it("reads a watched copy by immutable id, with the same meeting key as the gateway's read before a cancel", async () => {
        const calendar = new GraphCalendar(graph);
        const feed = new GraphFeedCalendar(graph);
        const locator = {
            version: 'v1.0' as const,
            mailbox: { kind: 'user' as const, userId: alice.id },
            collection: { kind: 'events' as const },
            eventId: demoIds.budgetReviewId,
        };
        const before = await calendar.getEvent(locator);
        expect(before.immutableId).toBeDefined();

        const copy = await feed.readEvent(alice.id, before.immutableId!);
        expect(copy).toMatchObject({
            isOrganizer: true,
            isCancelled: false,
            organizer: { address: alice.userPrincipalName },
            subject: 'Budget review',
        });
        expect(copy?.attendees).toHaveLength(2);
        expect(await feed.calendarFolderIds(alice.id)).toContain(copy?.parentFolderId);
        const key = meetingKey({ organizer: copy?.organizer?.address, iCalUId: copy?.iCalUId, start: copy?.start });
        expect(key).toBeDefined();
        expect(meetingKey({ organizer: before.organizer?.address, iCalUId: before.iCalUId, start: before.start })).toBe(
            key,
        );

        await calendar.cancelEvent(locator, 'Moved');
        const after = await feed.readEvent(alice.id, before.immutableId!);
        // Cancelled and moved to Deleted Items: the classifier sees the organizer's cancellation.
        const classified = await classifyEventChange({
            changeType: 'deleted',
            event: after,
            inCalendar: async () => (await feed.calendarFolderIds(alice.id)).includes(after?.parentFolderId ?? ''),
        });
        expect(classified).toEqual({ cancelled: true, copy: 'organizer' });

        expect(await feed.readEvent(alice.id, 'AAkALgNoSuchItem=')).toBeNull();
    });

    it("lists a business's appointments in the window with customers, and sees one go", async () => {
        const feed = new GraphBookingsFeed(graph);
        expect(await feed.listBusinesses()).toContain(demoIds.businessId);
        const start = new Date().toISOString();
        const end = new Date(Date.now() + 90 * 86_400_000).toISOString();
        const view = await feed.calendarView(demoIds.businessId, start, end);
        const lunch = view.find((appointment) => appointment.id === demoIds.lunchAppointmentId);
        expect(lunch).toMatchObject({ businessId: demoIds.businessId });
        expect(lunch?.customers.length).toBeGreaterThan(0);
        expect(Number.isNaN(Date.parse(lunch?.start ?? ''))).toBe(false);
        expect(await feed.appointmentExists(demoIds.businessId, demoIds.lunchAppointmentId)).toBe(true);

        await new GraphBookings(graph).cancelAppointment(
            { version: 'v1.0', businessId: demoIds.businessId, appointmentId: demoIds.lunchAppointmentId },
            'The kitchen is closed.',
        );

        expect(await feed.appointmentExists(demoIds.businessId, demoIds.lunchAppointmentId)).toBe(false);
        const ids = (await feed.calendarView(demoIds.businessId, start, end)).map((appointment) => appointment.id);
        expect(ids).not.toContain(demoIds.lunchAppointmentId);
    });
});
