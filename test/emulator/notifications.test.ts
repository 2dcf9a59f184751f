import { devTenant } from '../../dev/identity/devTenant';
import { until } from '../support/until';
import { type AdminItem, alice, bob, carol, enc, useEmulator } from './helpers';
import { GraphReceiver } from './graphReceiver';
import { dave, feedFixture, feedReviewId, subscribe } from './feedFixture';

const t = useEmulator();
let receiver: GraphReceiver;

beforeAll(async () => {
    receiver = await GraphReceiver.start();
});
afterAll(async () => {
    await receiver.close();
});
beforeEach(async () => {
    receiver.clear();
    await t.client.reset(feedFixture());
});

interface SentBatch {
    kind: string;
    subscriptionId: string;
    outcome: string;
    attempts: { status?: number }[];
    body: { value: Record<string, unknown>[] };
}

async function sent(): Promise<SentBatch[]> {
    return (await t.client.admin('GET', '/notifications')).json.value as SentBatch[];
}

function itemOf(items: AdminItem[], subject: string): AdminItem {
    const item = items.find((i) => i.subject === subject);
    if (!item) throw new Error(`no ${subject}`);
    return item;
}

/** Waits until `path` has received at least `count` notifications, and returns them. */
function receivedAt(path: string, count = 1): Promise<Record<string, unknown>[]> {
    return until(`${count} notification(s) at ${path}`, () => {
        const got = receiver.received(path);
        return got.length >= count ? got : undefined;
    });
}

describe('change notifications', () => {
    it('notifies the organizer’s subscription after a cancel through the API, in Graph’s shape', async () => {
        const { id, clientState } = await subscribe(t.client, receiver, alice, 'alice');
        const review = itemOf(await t.client.mailbox(alice), 'Feed review');
        expect((await t.client.post(`/v1.0/users/${enc(alice)}/events/${review.id}/cancel`, {})).status).toBe(202);

        const [notification] = await receivedAt('/alice');
        const aliceId = devTenant.users[0]?.id ?? '';
        expect(notification).toEqual({
            subscriptionId: id,
            subscriptionExpirationDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/),
            changeType: 'deleted',
            resource: `Users/${aliceId}/Events/${review.immutableId}`,
            resourceData: {
                '@odata.type': '#Microsoft.Graph.Event',
                '@odata.id': `Users/${aliceId}/Events/${review.immutableId}`,
                '@odata.etag': expect.stringMatching(/^W\/".+"$/),
                id: review.immutableId,
            },
            clientState,
            tenantId: devTenant.tenantId,
        });
    });

    it('gives regular ids to a subscription created without Prefer: IdType="ImmutableId"', async () => {
        await subscribe(t.client, receiver, bob, 'bob', {}, {});
        const copy = itemOf(await t.client.mailbox(bob), 'Feed review');
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        const [notification] = await receivedAt('/bob');
        expect(notification).toMatchObject({ changeType: 'updated', resourceData: { id: copy.id } });
    });

    it('notifies the organizer and three attendees after cancelInOutlook, each on its own subscription', async () => {
        const subs = new Map<string, string>();
        for (const [mailbox, name] of [
            [alice, 'alice'],
            [bob, 'bob'],
            [carol, 'carol'],
            [dave, 'dave'],
        ] as const) {
            subs.set(name, (await subscribe(t.client, receiver, mailbox, name)).id);
        }
        const cancelled = await t.client.admin(
            'POST',
            `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`,
            { comment: 'Not needed' },
        );
        expect(cancelled.status).toBe(200);
        expect(cancelled.json).toMatchObject({ folder: 'Deleted Items', cancelComment: 'Not needed' });

        expect(await receivedAt('/alice')).toEqual([expect.objectContaining({ changeType: 'deleted' })]);
        for (const [mailbox, name] of [
            [bob, 'bob'],
            [carol, 'carol'],
            [dave, 'dave'],
        ] as const) {
            const copy = itemOf(await t.client.mailbox(mailbox), 'Feed review');
            expect(copy.isCancelled).toBe(true);
            const got = await receivedAt(`/${name}`);
            expect(got).toEqual([
                expect.objectContaining({
                    subscriptionId: subs.get(name),
                    changeType: 'updated',
                    clientState: `secret-${name}`,
                    resourceData: expect.objectContaining({ id: copy.immutableId }) as unknown,
                }),
            ]);
        }
        // What was sent is listed, each with its outcome.
        const log = await until('four delivered batches', async () => {
            const batches = (await sent()).filter((b) => b.outcome === 'delivered');
            return batches.length === 4 ? batches : undefined;
        });
        expect(new Set(log.map((b) => b.subscriptionId))).toEqual(new Set(subs.values()));
    });

    it('notifies an attendee who deletes their copy in Outlook, and its organizer nothing', async () => {
        await subscribe(t.client, receiver, alice, 'alice');
        await subscribe(t.client, receiver, carol, 'carol');
        const copy = itemOf(await t.client.mailbox(carol), 'Feed review');
        const reply = await t.client.admin('POST', `/mailboxes/${enc(carol)}/events/${copy.id}/deleteInOutlook`);
        expect(reply.status).toBe(200);
        expect(await receivedAt('/carol')).toEqual([expect.objectContaining({ changeType: 'deleted' })]);
        expect(receiver.received('/alice')).toEqual([]);
    });

    it('refuses deleteInOutlook for an organizer’s meeting with attendees (Outlook cancels it)', async () => {
        const reply = await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/deleteInOutlook`);
        expect(reply.status).toBe(400);
    });

    it('notifies only the change types asked for', async () => {
        await subscribe(t.client, receiver, alice, 'deletes', { changeType: 'deleted' });
        await subscribe(t.client, receiver, bob, 'bob-deletes', { changeType: 'deleted' });
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        expect(await receivedAt('/deletes')).toHaveLength(1);
        const log = await sent();
        expect(log.map((b) => b.subscriptionId)).toHaveLength(1);
    });

    it('retries a batch the receiver failed, with backoff, until it is accepted', async () => {
        await subscribe(t.client, receiver, bob, 'bob');
        receiver.failNext('/bob', 1, 503);
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        await receivedAt('/bob');
        const [batch] = await until('a delivered batch', async () => {
            const batches = (await sent()).filter((b) => b.outcome === 'delivered');
            return batches.length > 0 ? batches : undefined;
        });
        expect(batch?.attempts.map((a) => a.status)).toEqual([503, 202]);
    });

    it('drops the next N notifications, or all until cleared (dropNotifications)', async () => {
        await subscribe(t.client, receiver, bob, 'bob');
        await subscribe(t.client, receiver, carol, 'carol');
        expect((await t.client.admin('PUT', '/faults', { dropNotifications: 1 })).status).toBe(200);
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        // One of the two batches is dropped, the other delivered.
        const log = await until('one dropped, one delivered', async () => {
            const batches = await sent();
            const outcomes = batches.map((b) => b.outcome).sort();
            return outcomes.join() === 'delivered,dropped' ? batches : undefined;
        });
        expect(receiver.received()).toHaveLength(1);
        expect(log).toHaveLength(2);

        await t.client.admin('PUT', '/faults', { dropNotifications: 'all' });
        await t.client.post(
            `/v1.0/users/${enc(alice)}/events/${enc(itemOf(await t.client.mailbox(alice), 'Team sync').id)}/cancel`,
            {},
        );
        const dropped = (await sent()).filter((b) => b.outcome === 'dropped');
        expect(dropped.length).toBeGreaterThan(1);
        expect(receiver.received()).toHaveLength(1);

        await t.client.admin('DELETE', '/faults');
        expect((await t.client.admin('GET', '/faults')).json.dropNotifications).toBeNull();
    });

    it('stops notifying once the subscription has expired (emulator clock)', async () => {
        const { id } = await subscribe(t.client, receiver, bob, 'bob');
        await t.client.admin('POST', '/clock/advance', { ms: 2 * 3_600_000 });
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        expect(await sent()).toEqual([]);
        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).status).toBe(404);
    });
});

describe('lifecycle notifications', () => {
    it.each(['reauthorizationRequired', 'missed'])('sends %s to the lifecycle URL', async (lifecycleEvent) => {
        const { id, clientState } = await subscribe(t.client, receiver, alice, 'alice');
        const reply = await t.client.admin('POST', `/subscriptions/${id}/lifecycle`, { lifecycleEvent });
        expect(reply.status).toBe(202);
        const [notification] = await receivedAt('/alice-lifecycle');
        expect(notification).toEqual({
            subscriptionId: id,
            subscriptionExpirationDateTime: expect.any(String),
            tenantId: devTenant.tenantId,
            clientState,
            lifecycleEvent,
        });
        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).status).toBe(200);
    });

    it('deletes the subscription with subscriptionRemoved, and sends no more change notifications', async () => {
        const { id } = await subscribe(t.client, receiver, bob, 'bob');
        await t.client.admin('POST', `/subscriptions/${id}/lifecycle`, { lifecycleEvent: 'subscriptionRemoved' });
        await receivedAt('/bob-lifecycle');
        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).status).toBe(404);
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        expect((await sent()).filter((b) => b.kind === 'change')).toEqual([]);
    });

    it('refuses an unknown lifecycle event', async () => {
        const { id } = await subscribe(t.client, receiver, bob, 'bob');
        const reply = await t.client.admin('POST', `/subscriptions/${id}/lifecycle`, { lifecycleEvent: 'later' });
        expect(reply.status).toBe(400);
    });
});

describe('cancelInBookings', () => {
    it('removes the appointment from Graph as the Bookings page does', async () => {
        const business = 'contosolunch@contoso.test';
        const [appointment] = (await t.client.admin('GET', `/bookings/${enc(business)}/appointments`)).json.value as {
            id: string;
        }[];
        const id = appointment?.id ?? '';
        const reply = await t.client.admin(
            'POST',
            `/bookingBusinesses/${enc(business)}/appointments/${enc(id)}/cancelInBookings`,
            { cancellationMessage: 'Kitchen closed' },
        );
        expect(reply.status).toBe(200);
        expect(reply.json).toMatchObject({ isCancelled: true, cancellationMessage: 'Kitchen closed' });
        const read = await t.client.get(`/v1.0/solutions/bookingBusinesses/${enc(business)}/appointments/${enc(id)}`);
        expect(read.status).toBe(404);
        const again = await t.client.admin(
            'POST',
            `/bookingBusinesses/${enc(business)}/appointments/${enc(id)}/cancelInBookings`,
        );
        expect(again.status).toBe(404);
    });
});
