import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice, bob] = devTenant.users;
const adminApp = 'ca9ce1a7-0000-4000-8000-0000000000d4';

interface RecordView {
    id: string;
    state: string;
    comment?: string;
    requestedBy: { objectId: string };
    attemptHistory: Array<{ requestedBy: { objectId: string }; comment?: string; outcome: string }>;
}

/** Records that claim only what Graph did (issue 13, items 4–7), on the local stack. */
describe('integrity of cancellation records', () => {
    const local = useLocalStack();

    const aliceToken = () => local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
    const bobToken = () => local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
    const adminToken = () =>
        local.stack.token({ app: adminApp, roles: ['Cancellations.Admin', 'Subscriptions.ReadWrite.All'] });
    const post = (path: string, body: unknown, token: string) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        });
    const read = async (location: string, token = adminToken()) => {
        const response = await fetch(`${local.stack.gatewayUrl}${location}`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        return { status: response.status, body: (await response.json()) as RecordView };
    };
    const records = async () => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${adminToken()}` },
        });
        return ((await response.json()) as { value: RecordView[] }).value;
    };
    const cancelPosts = async (id: string) =>
        (await local.admin.requests()).filter(
            (r) => r.method === 'POST' && decodeURIComponent(r.path).includes(`/events/${id}/cancel`),
        );
    /** Graph answers a cancel of this item 503 with a long Retry-After: the gateway cannot tell what happened. */
    const unavailable = (id: string) =>
        local.admin.setFaults([
            { method: 'POST', pathRegex: `/events/${id}/cancel$`, status: 503, retryAfterSeconds: 30 },
        ]);

    it("item 4: a retry through another calendar gets Graph's 404 and leaves the pending record to reconciliation", async () => {
        await unavailable(demoIds.teamSyncId);
        const first = await post(`v1.0/me/events/${demoIds.teamSyncId}/cancel`, {}, aliceToken());
        expect(first.status).toBe(503);
        await local.admin.setFaults([]);
        await local.admin.clearRequests();

        const retry = await post(
            `v1.0/me/calendars/${demoIds.projectsCalendarId}/events/${demoIds.teamSyncId}/cancel`,
            {},
            aliceToken(),
        );
        expect(retry.status).toBe(404);
        expect(retry.headers.get('cancellation-replayed')).toBeNull();
        expect(await records()).toEqual([expect.objectContaining({ state: 'pending' })]);
        expect(await cancelPosts(demoIds.teamSyncId)).toEqual([]);
        const series = (await local.admin.events(alice.userPrincipalName)).find((e) => e.id === demoIds.teamSyncId);
        expect(series).toMatchObject({ state: 'active', isCancelled: false });
    });

    it('item 5: a meeting the gateway cancelled that is active again is cancelled again, not replayed', async () => {
        const first = await post(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`, { comment: 'Off' }, aliceToken());
        expect(first.status).toBe(202);
        // A reseed brings "Budget review" back, active, under the very id the caller uses: the request path sees it
        // active and re-cancels. (A restore in Outlook gives it a new regular id instead; reconciliation finds that
        // one by its immutable id: test/e2e/restoredMeeting.test.ts.)
        expect((await fetch(`${local.stack.emulatorUrl}/_emulator/reset`, { method: 'POST' })).status).toBe(200);

        const again = await post(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`, { comment: 'Off!' }, aliceToken());
        expect(again.status).toBe(202);
        expect(again.headers.get('cancellation-replayed')).toBeNull();
        expect(again.headers.get('location')).toBe(first.headers.get('location'));
        expect(await cancelPosts(demoIds.budgetReviewId)).toHaveLength(1);
        const moved = (await local.admin.events(alice.userPrincipalName)).find((e) =>
            e.previousIds.includes(demoIds.budgetReviewId),
        );
        expect(moved).toMatchObject({ folder: 'Deleted Items', cancelComment: 'Off!' });
        // Drift found on the request path ends as reconciliation's does.
        expect((await read(again.headers.get('location')!)).body).toMatchObject({ state: 'repaired', comment: 'Off!' });

        // Gone again: now a replay, and Graph is not asked to cancel.
        await local.admin.clearRequests();
        const replay = await post(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`, {}, aliceToken());
        expect(replay.status).toBe(202);
        expect(replay.headers.get('cancellation-replayed')).toBe('true');
        expect(await cancelPosts(demoIds.budgetReviewId)).toEqual([]);
    });

    it('item 6: two identical cancels at once reach Graph once; the second replays the first', async () => {
        // Graph holds the cancel until the test lets it go.
        await local.admin.setFaults([
            { method: 'POST', pathRegex: `/events/${demoIds.budgetReviewId}/cancel$`, hold: true },
        ]);
        const path = `v1.0/me/events/${demoIds.budgetReviewId}/cancel`;
        const first = post(path, {}, aliceToken());
        await until('the first cancel held at Graph', async () =>
            (await cancelPosts(demoIds.budgetReviewId)).length === 1 ? true : undefined,
        );
        const second = post(path, {}, aliceToken());
        // The second request has read the item from Graph; its store read finds the first's record in flight.
        await until('the second request at Graph', async () =>
            (await local.admin.requests()).filter((r) => r.method === 'GET' && r.status !== null).length >= 2
                ? true
                : undefined,
        );
        expect(await local.admin.releaseHeld()).toBe(1);

        const [a, b] = await Promise.all([first, second]);
        expect([a.status, b.status]).toEqual([202, 202]);
        expect(a.headers.get('cancellation-replayed')).toBeNull();
        expect(b.headers.get('cancellation-replayed')).toBe('true');
        expect(b.headers.get('location')).toBe(a.headers.get('location'));
        expect(await cancelPosts(demoIds.budgetReviewId)).toHaveLength(1);
        expect((await records()).map((r) => r.state)).toEqual(['accepted']);

        // The item's pointer leads to the accepted record: a later retry replays it.
        const later = await post(path, {}, aliceToken());
        expect(later.status).toBe(202);
        expect(later.headers.get('cancellation-replayed')).toBe('true');
        expect(later.headers.get('location')).toBe(a.headers.get('location'));
    });

    it('item 7: a retried pending record names who performed the cancel, with their comment, in the record and the webhook', async () => {
        const received: Array<{ type: string; data: { requestedBy: { objectId: string }; comment?: string } }> = [];
        const server = http.createServer((req, res) => {
            let body = '';
            req.on('data', (c: Buffer) => (body += c.toString()));
            req.on('end', () => {
                received.push(JSON.parse(body) as (typeof received)[number]);
                res.writeHead(204).end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
            const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
            const subscribed = await post(
                'subscriptions',
                { notificationUrl: hook, eventTypes: ['event.cancelled'] },
                adminToken(),
            );
            expect(subscribed.status).toBe(201);

            const path = `v1.0/groups/${demoIds.salesGroupId}/events/${demoIds.salesMeetingId}/cancel`;
            await unavailable(demoIds.salesMeetingId);
            expect((await post(path, { comment: 'Alice: moved' }, aliceToken())).status).toBe(503);
            await local.admin.setFaults([]);

            const retry = await post(path, { comment: 'Bob: cancelled for good' }, bobToken());
            expect(retry.status).toBe(202);
            const location = retry.headers.get('location')!;
            const asBob = await read(location, bobToken());
            expect(asBob.status).toBe(200);
            expect(asBob.body).toMatchObject({
                state: 'accepted',
                requestedBy: { objectId: bob.id },
                comment: 'Bob: cancelled for good',
                attemptHistory: [
                    { requestedBy: { objectId: alice.id }, comment: 'Alice: moved', outcome: 'unknown' },
                    { requestedBy: { objectId: bob.id }, comment: 'Bob: cancelled for good', outcome: 'accepted' },
                ],
            });
            // Alice asked first: she may still read it.
            expect((await read(location, aliceToken())).status).toBe(200);

            const [notification] = await until('the webhook', () => (received.length > 0 ? received : undefined));
            expect(notification).toMatchObject({
                type: 'event.cancelled',
                data: { requestedBy: { objectId: bob.id }, comment: 'Bob: cancelled for good' },
            });
        } finally {
            server.close();
        }
    }, 40_000);
});
