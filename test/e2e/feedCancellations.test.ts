import { TableClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';
import { freePort } from '../../dev/azurite';
import { demoFixture, demoIds, utcMidnight } from '../../dev/graph-emulator/demoTenant';
import type { Fixture } from '../../dev/graph-emulator/fixture';
import { devTenant } from '../../dev/identity/devTenant';
import { statusOf } from '../../src/adapters/tables/tableClients';
import { feedStackEnv } from '../support/feedStack';
import { type LocalStack, startLocalStack } from '../support/stack';
import { until } from '../support/until';
import { type WebhookReceiver, webhookReceiver } from '../support/webhookReceiver';

const [alice, bob, carol] = devTenant.users;
/** A fourth user, so one meeting can have an organizer and three attendees, all watched. */
const dave = {
    id: 'da7e0000-0000-4000-8000-000000000004',
    userPrincipalName: 'dave@contoso.test',
    displayName: 'Dave Dunn',
};
/** Not watched: only her attendee's copy tells the feed of her meeting's cancellation. */
const erin = {
    id: 'e7140000-0000-4000-8000-000000000005',
    userPrincipalName: 'erin@contoso.test',
    displayName: 'Erin Ellis',
};
const ids = {
    designReview: 'AAMkADfeed-design-review-alice=',
    retro: 'AAMkADfeed-retro-alice=',
    supplierCall: 'AAMkADfeed-supplier-call-bob=',
    vendorSync: 'AAMkADfeed-vendor-sync-erin=',
};
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The demo tenant plus dave and three meetings only these tests touch (one per scenario, so no reset is needed). */
function feedFixture(): Fixture {
    const base = demoFixture();
    const d0 = utcMidnight();
    const at = (offsetMs: number) => new Date(d0 + offsetMs).toISOString();
    return {
        ...base,
        users: [...base.users, ...[dave, erin].map((u) => ({ ...u, mail: u.userPrincipalName }))],
        events: [
            ...(base.events ?? []),
            {
                id: ids.designReview,
                subject: 'Design review',
                organizer: alice.userPrincipalName,
                start: at(4 * dayMs + 10 * hourMs),
                end: at(4 * dayMs + 11 * hourMs),
                attendees: [bob.userPrincipalName, carol.userPrincipalName, dave.userPrincipalName],
            },
            {
                id: ids.retro,
                subject: 'Retro',
                organizer: alice.userPrincipalName,
                start: at(5 * dayMs + 10 * hourMs),
                end: at(5 * dayMs + 11 * hourMs),
                attendees: [bob.userPrincipalName],
            },
            {
                id: ids.supplierCall,
                subject: 'Supplier call',
                organizer: bob.userPrincipalName,
                start: at(6 * dayMs + 10 * hourMs),
                end: at(6 * dayMs + 11 * hourMs),
                attendees: [carol.userPrincipalName],
            },
            {
                id: ids.vendorSync,
                subject: 'Vendor sync',
                organizer: erin.userPrincipalName,
                start: at(7 * dayMs + 10 * hourMs),
                end: at(7 * dayMs + 11 * hourMs),
                attendees: [carol.userPrincipalName],
            },
        ],
    };
}

const watchedUsers = [alice, bob, carol, dave];
const operatorAppId = 'ca9ce1a7-0000-4000-8000-0000000000f1';
const connectorScopes = ['Subscriptions.ReadWrite.All', 'Calendars.ReadWrite'];

interface EmulatorSubscription {
    id: string;
    resource: string;
}
interface SentBatch {
    seq: number;
    kind: 'change' | 'lifecycle';
    subscriptionId: string;
    outcome: string;
    body: { value: Array<Record<string, unknown>> };
}
interface Delivered {
    type: string;
    data: {
        origin: string;
        requestedBy?: { userPrincipalName?: string };
        resource: { subject?: string; eventId?: string; appointmentId?: string };
        attendees?: Array<{ address: string }>;
        customers?: Array<{ address: string }>;
    };
}
interface ListedRecord {
    origin: string;
    resource: { subject?: string };
}

/**
 * Issue 18's "done when", end to end on the local host: outside cancellations (Outlook through the emulator's admin
 * actions, Bookings through the poll) reach webhook subscribers once, with their origin and audience; the gateway's
 * own cancel is not reported twice; a forged `clientState` changes nothing; owner-scope subscriptions see only the
 * outside cancellations of meetings their owner organises. One stack, no reset (the timers run every 2 s throughout);
 * each test has its own meeting.
 */
describe('the feed of outside cancellations (local host, Graph emulator)', () => {
    let stack: LocalStack;
    let tenantWide: WebhookReceiver;
    const receivers: WebhookReceiver[] = [];

    beforeAll(async () => {
        const httpsPort = await freePort();
        stack = await startLocalStack(
            feedStackEnv(
                httpsPort,
                {
                    mailboxes: watchedUsers.map((u) => u.userPrincipalName),
                    bookingBusinesses: [demoIds.businessId],
                },
                { FEED_BOOKINGS_SCHEDULE: '*/2 * * * * *' },
            ),
            { graphFixture: feedFixture() },
        );
        tenantWide = await webhookReceiver();
        receivers.push(tenantWide);
        await subscribe(operatorToken(), tenantWide, ['event.cancelled', 'bookingAppointment.cancelled']);
        await until(
            'a Graph subscription on every watched mailbox',
            async () => {
                const resources = (await emulatorSubscriptions()).map((s) => s.resource.toLowerCase());
                return watchedUsers.every((u) => resources.some((r) => r.includes(u.id))) ? true : undefined;
            },
            40_000,
        );
    }, 90_000);
    afterAll(async () => {
        for (const r of receivers.splice(0)) await r.close();
        await stack?.stop();
    });

    const operatorToken = () =>
        stack.token({ app: operatorAppId, roles: ['Subscriptions.ReadWrite.All', 'Cancellations.Admin'] });
    const emulator = (path: string, init?: RequestInit) => fetch(`${stack.emulatorUrl}/_emulator/${path}`, init);
    const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...headers },
            body: JSON.stringify(body),
        });

    async function subscribe(token: string, endpoint: WebhookReceiver, eventTypes: string[]) {
        const response = await postJson(
            `${stack.gatewayUrl}/api/subscriptions`,
            { notificationUrl: endpoint.url, eventTypes },
            { Authorization: `Bearer ${token}` },
        );
        expect(response.status).toBe(201);
    }
    async function emulatorSubscriptions() {
        return ((await (await emulator('subscriptions')).json()) as { value: EmulatorSubscription[] }).value;
    }
    async function sentBatches() {
        return ((await (await emulator('notifications')).json()) as { value: SentBatch[] }).value;
    }
    const lastSeq = async () => Math.max(0, ...(await sentBatches()).map((b) => b.seq));

    /** Every queue but the poison ones is empty (counts include messages a function is working on). */
    async function queuesEmpty(): Promise<boolean> {
        const service = QueueServiceClient.fromConnectionString(stack.storageConnectionString);
        for await (const queue of service.listQueues()) {
            if (queue.name.endsWith('-poison')) continue;
            const properties = await service.getQueueClient(queue.name).getProperties();
            if ((properties.approximateMessagesCount ?? 0) > 0) return false;
        }
        return true;
    }

    /**
     * Waits until the emulator has sent at least `changeBatches` change notifications since `afterSeq`, none is still
     * pending, and the gateway's queues have drained: everything those notifications cause has been recorded and
     * delivered by then, so what the receivers hold is final.
     */
    async function settled(afterSeq: number, changeBatches: number): Promise<SentBatch[]> {
        return until(
            `${changeBatches} change notifications delivered and the queues drained`,
            async () => {
                const batches = (await sentBatches()).filter((b) => b.seq > afterSeq && b.kind === 'change');
                if (batches.length < changeBatches || batches.some((b) => b.outcome === 'pending')) return undefined;
                return (await queuesEmpty()) ? batches : undefined;
            },
            45_000,
        );
    }

    const payloads = (endpoint: WebhookReceiver) => endpoint.received.map((r) => JSON.parse(r.body) as Delivered);
    const about = (endpoint: WebhookReceiver, subject: string) =>
        payloads(endpoint).filter((p) => p.data.resource.subject === subject);
    const records = async (subject: string) => {
        const response = await fetch(`${stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${operatorToken()}` },
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as { value: ListedRecord[] }).value.filter(
            (r) => r.resource.subject === subject,
        );
    };
    const cancelInOutlook = (organizer: string, eventId: string) =>
        postJson(
            `${stack.emulatorUrl}/_emulator/mailboxes/${encodeURIComponent(organizer)}/events/${encodeURIComponent(eventId)}/cancelInOutlook`,
            {},
        );

    it('reports a meeting cancelled in Outlook once, with origin outlook and its attendees, though four watched copies change', async () => {
        const before = await lastSeq();
        expect((await cancelInOutlook(alice.userPrincipalName, ids.designReview)).status).toBe(200);

        await until('the event.cancelled of the design review', () =>
            about(tenantWide, 'Design review').length > 0 ? true : undefined,
        );
        // The organizer's copy and the three attendees' copies each send a change notification.
        await settled(before, watchedUsers.length);
        const delivered = about(tenantWide, 'Design review');
        expect(delivered).toHaveLength(1);
        expect(delivered[0]).toMatchObject({ type: 'event.cancelled', data: { origin: 'outlook' } });
        expect(delivered[0]!.data.attendees!.map((a) => a.address).sort()).toEqual(
            [bob, carol, dave].map((u) => u.userPrincipalName),
        );
        expect(await records('Design review')).toMatchObject([{ origin: 'outlook' }]);
    }, 70_000);

    it('reports a booking cancelled in Bookings with origin bookings and its customers', async () => {
        const snapshots = TableClient.fromConnectionString(stack.storageConnectionString, 'bookingsnapshots', {
            allowInsecureConnection: true,
        });
        // The poll before: the lunch appointment is in the business's snapshot.
        await until(
            'the Bookings poll to take its snapshot',
            async () => {
                try {
                    for await (const row of snapshots.listEntities<Record<string, unknown>>()) {
                        if (JSON.stringify(row).includes('Team lunch delivery')) return true;
                    }
                } catch (error) {
                    if (statusOf(error) !== 404) throw error; // no table yet: no poll yet
                }
                return undefined;
            },
            30_000,
        );
        const cancelled = await postJson(
            `${stack.emulatorUrl}/_emulator/bookingBusinesses/${encodeURIComponent(demoIds.businessId)}/appointments/${encodeURIComponent(demoIds.lunchAppointmentId)}/cancelInBookings`,
            { cancellationMessage: 'Kitchen closed' },
        );
        expect(cancelled.status).toBe(200);

        // The poll after finds it gone.
        const [delivered] = await until(
            'the bookingAppointment.cancelled of the lunch',
            () => {
                const found = about(tenantWide, 'Team lunch delivery');
                return found.length > 0 ? found : undefined;
            },
            30_000,
        );
        expect(delivered).toMatchObject({
            type: 'bookingAppointment.cancelled',
            data: {
                origin: 'bookings',
                resource: { appointmentId: demoIds.lunchAppointmentId },
                customers: [{ address: 'pat@fabrikam.test' }],
            },
        });
        await until('the queues to drain', async () => ((await queuesEmpty()) ? true : undefined), 30_000);
        expect(about(tenantWide, 'Team lunch delivery')).toHaveLength(1);
    }, 70_000);

    it('reports a gateway cancel of a watched meeting once, as origin gateway', async () => {
        const before = await lastSeq();
        const cancelled = await postJson(
            `${stack.gatewayUrl}/api/v1.0/me/events/${demoIds.budgetReviewId}/cancel`,
            { comment: 'Moved' },
            {
                Authorization: `Bearer ${stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] })}`,
            },
        );
        expect(cancelled.status).toBe(202);

        // alice's copy, bob's and carol's each send a change notification; the worker must find the meeting held.
        await settled(before, 3);
        const delivered = about(tenantWide, 'Budget review');
        expect(delivered).toHaveLength(1);
        expect(delivered[0]).toMatchObject({ type: 'event.cancelled', data: { origin: 'gateway' } });
        expect(await records('Budget review')).toMatchObject([{ origin: 'gateway' }]);
    }, 70_000);

    it('refuses a notification with a wrong clientState: no record, no webhook', async () => {
        const aliceSubscription = (await emulatorSubscriptions()).find((s) =>
            s.resource.toLowerCase().includes(alice.id),
        );
        expect(aliceSubscription).toBeDefined();
        // Graph's own notifications of this cancel are lost, so only what is posted below could report it.
        expect((await emulator('faults', { method: 'PUT', ...jsonBody({ dropNotifications: 'all' }) })).status).toBe(
            200,
        );
        const before = await lastSeq();
        expect((await cancelInOutlook(alice.userPrincipalName, ids.retro)).status).toBe(200);
        const dropped = await until('the retro change to be dropped', async () => {
            const batches = (await sentBatches()).filter(
                (b) => b.seq > before && b.subscriptionId === aliceSubscription!.id && b.outcome === 'dropped',
            );
            return batches.length > 0 ? batches : undefined;
        });
        expect((await emulator('faults', { method: 'DELETE' })).status).toBeLessThan(300);
        const deletedNotification = dropped.flatMap((b) => b.body.value).find((n) => n.changeType === 'deleted');
        expect(deletedNotification).toBeDefined();

        const post = (clientState: unknown) =>
            postJson(`${stack.gatewayUrl}/api/graph/notifications`, {
                value: [{ ...deletedNotification, clientState }],
            });
        expect((await post('not-the-secret')).status).toBe(202);
        await until('the queues to drain', async () => ((await queuesEmpty()) ? true : undefined), 30_000);
        expect(await records('Retro')).toEqual([]);
        expect(about(tenantWide, 'Retro')).toEqual([]);

        // The same notification with the subscription's clientState is worked: what was refused was the forgery.
        expect((await post(deletedNotification!.clientState)).status).toBe(202);
        await until('the retro to be reported', () => (about(tenantWide, 'Retro').length > 0 ? true : undefined));
        expect(await records('Retro')).toMatchObject([{ origin: 'outlook' }]);
    }, 70_000);

    it("sends an outside cancellation to the organizer's own subscription, not to another user's", async () => {
        const [bobs, carols] = [await webhookReceiver(), await webhookReceiver()];
        receivers.push(bobs, carols);
        await subscribe(stack.token({ user: bob.userPrincipalName, scp: connectorScopes }), bobs, ['event.cancelled']);
        await subscribe(stack.token({ user: carol.userPrincipalName, scp: connectorScopes }), carols, [
            'event.cancelled',
        ]);

        const before = await lastSeq();
        expect((await cancelInOutlook(bob.userPrincipalName, ids.supplierCall)).status).toBe(200);
        await until('bob to receive the supplier call', () => (bobs.received.length > 0 ? true : undefined));
        await settled(before, 2);
        expect(payloads(bobs)).toMatchObject([
            { type: 'event.cancelled', data: { origin: 'outlook', resource: { subject: 'Supplier call' } } },
        ]);
        // carol attended, but the record belongs to its organizer's mailbox.
        expect(carols.received).toEqual([]);
        expect(about(tenantWide, 'Supplier call')).toHaveLength(1);
    }, 70_000);

    it("gives the organizer's own subscription a cancellation seen only in an attendee's copy (organizer not watched)", async () => {
        const [erins, carols] = [await webhookReceiver(), await webhookReceiver()];
        receivers.push(erins, carols);
        await subscribe(
            stack.token({
                user: erin.userPrincipalName,
                scp: connectorScopes,
                // mintToken knows only the dev tenant's three users: erin's oid is the fixture's.
                extraClaims: { oid: erin.id },
            }),
            erins,
            ['event.cancelled'],
        );
        await subscribe(stack.token({ user: carol.userPrincipalName, scp: connectorScopes }), carols, [
            'event.cancelled',
        ]);

        const before = await lastSeq();
        expect((await cancelInOutlook(erin.userPrincipalName, ids.vendorSync)).status).toBe(200);
        // Only carol's copy is watched: one change notification.
        await settled(before, 1);
        expect(payloads(erins)).toMatchObject([
            {
                type: 'event.cancelled',
                data: {
                    origin: 'outlook',
                    requestedBy: { userPrincipalName: erin.userPrincipalName },
                    resource: { subject: 'Vendor sync' },
                    attendees: [{ address: carol.userPrincipalName }],
                },
            },
        ]);
        expect(carols.received).toEqual([]);
    }, 70_000);
});

function jsonBody(body: unknown): RequestInit {
    return { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}
