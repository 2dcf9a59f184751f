import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';

const [alice, bob, carol] = devTenant.users;
const organizerMessage = "Your request can't be completed. You need to be an organizer to cancel a meeting.";

describe('event cancel through the gateway (local host + emulator + Azurite)', () => {
    const local = useLocalStack();
    let aliceToken: string;
    beforeEach(() => {
        aliceToken = local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
    });

    const cancel = (
        path: string,
        body: unknown = { comment: 'Moved to next week' },
        token = aliceToken,
        headers = {},
    ) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
            body: JSON.stringify(body),
        });

    it('organizer cancels a single meeting: 202, record accepted, attendee copies cancelled, one GET and one POST to Graph', async () => {
        const response = await cancel(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`);
        expect(response.status).toBe(202);
        expect(await response.text()).toBe('');
        const location = response.headers.get('location');
        expect(location).toMatch(/^\/api\/cancellations\/[0-9a-f-]{36}$/);
        expect(response.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);

        const organizerItems = await local.admin.events(alice.userPrincipalName);
        const moved = organizerItems.find((e) => e.previousIds.includes(demoIds.budgetReviewId));
        expect(moved).toMatchObject({ folder: 'Deleted Items', cancelComment: 'Moved to next week' });
        for (const attendee of [bob, carol]) {
            const copy = (await local.admin.events(attendee.userPrincipalName)).find(
                (e) => e.subject === 'Budget review',
            );
            expect(copy).toMatchObject({ isCancelled: true, isOrganizer: false });
        }
        const calls = await local.admin.calls();
        expect(calls.filter((c) => c.includes('/events/'))).toEqual([
            `GET /v1.0/users/${alice.id}/events/${demoIds.budgetReviewId}`,
            `POST /v1.0/users/${alice.id}/events/${demoIds.budgetReviewId}/cancel`,
        ]);

        const record = await fetch(`${local.stack.gatewayUrl}${location}`, {
            headers: { Authorization: `Bearer ${aliceToken}` },
        });
        expect(record.status).toBe(200);
        expect(await record.json()).toMatchObject({
            state: 'accepted',
            kind: 'event',
            comment: 'Moved to next week',
            requestedBy: { objectId: alice.id, userPrincipalName: alice.userPrincipalName },
            resource: { subject: 'Budget review', type: 'singleInstance', eventId: demoIds.budgetReviewId },
            recipients: expect.arrayContaining([
                expect.objectContaining({ address: bob.userPrincipalName, type: 'required' }),
                expect.objectContaining({ address: carol.userPrincipalName }),
            ]),
        });
    });

    it('cancels one occurrence and leaves the series', async () => {
        const items = await local.admin.events(alice.userPrincipalName);
        const occurrence = items.find((e) => e.type === 'occurrence' && e.seriesMasterId === demoIds.teamSyncId)!;
        const response = await cancel(`v1.0/users/${alice.userPrincipalName}/events/${occurrence.id}/cancel`);
        expect(response.status).toBe(202);
        const after = await local.admin.events(alice.userPrincipalName);
        expect(after.find((e) => e.id === demoIds.teamSyncId)).toMatchObject({ state: 'active', isCancelled: false });
        expect(after.filter((e) => e.seriesMasterId === demoIds.teamSyncId && e.state === 'active').length).toBe(
            items.filter((e) => e.seriesMasterId === demoIds.teamSyncId && e.state === 'active').length - 1,
        );
    });

    it('cancels a whole series by its master id', async () => {
        const response = await cancel(`beta/users/${alice.id}/calendar/events/${demoIds.teamSyncId}/cancel`, {
            Comment: 'Series ends',
        });
        expect(response.status).toBe(202);
        const after = await local.admin.events(alice.userPrincipalName);
        expect(after.filter((e) => e.subject.startsWith('Team sync') && e.state === 'active')).toEqual([]);
    });

    it("gives an attendee Graph's 400 and changes nothing", async () => {
        const bobCopy = (await local.admin.events(bob.userPrincipalName)).find((e) => e.subject === 'Budget review')!;
        const bobToken = local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        await local.admin.clearRequests();
        const response = await cancel(`v1.0/me/events/${bobCopy.id}/cancel`, {}, bobToken);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({
            error: { code: 'ErrorInvalidRequest', message: organizerMessage },
        });
        expect((await local.admin.calls()).filter((c) => c.startsWith('POST'))).toEqual([]);
        const list = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${bobToken}` },
        });
        expect(await list.json()).toEqual({ value: [] });
    });

    it("passes Graph's 404 through for a missing event", async () => {
        const response = await cancel('v1.0/me/events/AAMkADnot-there=/cancel');
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ error: { code: 'ErrorItemNotFound' } });
    });

    it("replays an item the gateway already cancelled instead of returning Graph's 404", async () => {
        const first = await cancel(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`);
        await local.admin.clearRequests();
        const again = await cancel(`v1.0/users/${alice.userPrincipalName}/events/${demoIds.budgetReviewId}/cancel`);
        expect(again.status).toBe(202);
        expect(again.headers.get('location')).toBe(first.headers.get('location'));
        // Graph is read while the store is (a wasted read on a replay), but never asked to cancel again.
        expect((await local.admin.calls()).filter((c) => c.startsWith('POST'))).toEqual([]);
    });

    it.each([
        ['v1.0', 'me/calendar/events/{id}'],
        ['beta', 'me/events/{id}'],
        ['v1.0', 'me/calendars/{calendar}/events/{kickoff}'],
        ['v1.0', 'users/{alice}/calendarGroups/{group}/calendars/{calendar}/events/{kickoff}'],
        ['v1.0', 'users/{alice}/calendargroups/{group}/calendars/{calendar}/events/{kickoff}'],
        ['beta', 'me/calendarGroup/{group}/calendars/{calendar}/events/{kickoff}'],
        ['V1.0', 'ME/CALENDARVIEW/{id}'],
    ])('reaches Graph through %s/%s', async (version, form) => {
        const groups = await fetch(`${local.stack.emulatorUrl}/v1.0/users/${alice.id}/calendarGroups`, {
            headers: {
                Authorization: `Bearer ${local.stack.token({ app: devTenant.gatewayGraphClient.clientId, roles: ['Calendars.ReadWrite'], audience: 'https://graph.microsoft.com', version: 1 })}`,
            },
        });
        const groupId = ((await groups.json()) as { value: Array<{ id: string }> }).value[0]!.id;
        const path = form
            .replace('{id}', demoIds.budgetReviewId)
            .replace('{kickoff}', demoIds.kickoffId)
            .replace('{calendar}', demoIds.projectsCalendarId)
            .replace('{group}', groupId)
            .replace('{alice}', alice.userPrincipalName);
        const response = await cancel(`${version}/${path}/cancel`, {});
        expect(response.status).toBe(202);
    });

    it('cancels in a group calendar for a member, and refuses a non-member', async () => {
        const carolToken = local.stack.token({ user: carol.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const refused = await cancel(
            `v1.0/groups/${demoIds.salesGroupId}/events/${demoIds.salesMeetingId}/cancel`,
            {},
            carolToken,
        );
        expect(refused.status).toBe(403);
        const bobToken = local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const accepted = await cancel(
            `v1.0/groups/${demoIds.salesGroupId}/events/${demoIds.salesMeetingId}/cancel`,
            {},
            bobToken,
        );
        expect(accepted.status).toBe(202);
    });
});
