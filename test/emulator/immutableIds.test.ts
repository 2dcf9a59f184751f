import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { alice, bob, enc, useEmulator } from './helpers';

/**
 * Outlook's two kinds of item id (docs/emulator.md, "Ids"): a regular id that changes on every move between folders,
 * and an immutable one (`Prefer: IdType="ImmutableId"`) that does not; both accepted on every route.
 */
const emu = useEmulator();
const immutable = { Prefer: 'IdType="ImmutableId"' };
const budget = demoIds.budgetReviewId;
const budgetPath = `/v1.0/users/${alice}/events/${budget}`;

async function immutableIdOf(path: string): Promise<string> {
    const reply = await emu.client.get(`${path}?$select=id`, immutable);
    expect(reply.status).toBe(200);
    return reply.json.id as string;
}

async function calendarIds(user: string): Promise<string[]> {
    return ((await emu.client.get(`/v1.0/users/${user}/calendars`)).json.value as { id: string }[]).map((c) => c.id);
}

describe('Prefer: IdType="ImmutableId"', () => {
    it('answers with the immutable id and says so in Preference-Applied; without it, the regular id', async () => {
        const regular = await emu.client.get(budgetPath);
        expect(regular.json.id).toBe(budget);
        expect(regular.headers.get('preference-applied')).toBeNull();

        const reply = await emu.client.get(budgetPath, { Prefer: 'odata.maxpagesize=10, IdType="ImmutableId"' });
        expect(reply.status).toBe(200);
        expect(reply.json.id).not.toBe(budget);
        expect(reply.json.id).toMatch(/^[A-Za-z0-9_\-=]+$/);
        expect(reply.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
        const [item] = (await emu.client.mailbox(alice)).filter((i) => i.id === budget);
        expect(reply.json.id).toBe(item?.immutableId);
    });

    it('puts immutable ids in lists and in seriesMasterId too', async () => {
        const masterImmutable = await immutableIdOf(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}`);
        const window = `startDateTime=${new Date(0).toISOString()}&endDateTime=${new Date(Date.UTC(2100, 0)).toISOString()}`;
        const reply = await emu.client.get(
            `/v1.0/users/${alice}/events/${demoIds.teamSyncId}/instances?${window}&$select=id,seriesMasterId`,
            immutable,
        );
        const value = reply.json.value as { id: string; seriesMasterId: string }[];
        expect(value.length).toBeGreaterThan(0);
        expect(new Set(value.map((i) => i.seriesMasterId))).toEqual(new Set([masterImmutable]));
        const regular = (await emu.client.mailbox(alice)).filter((i) => i.seriesMasterId === demoIds.teamSyncId);
        expect(value.map((i) => i.id).some((id) => regular.some((r) => r.id === id))).toBe(false);
    });

    it('accepts either id on every route, with or without the header', async () => {
        const id = await immutableIdOf(budgetPath);
        const calendarId = (await emu.client.mailbox(alice)).find((i) => i.id === budget)?.parentFolderId ?? '';
        for (const path of [
            `/v1.0/users/${alice}/events/${id}`,
            `/beta/users/${alice}/calendar/events/${id}`,
            `/v1.0/users/${alice}/calendars/${enc(calendarId)}/events/${id}`,
            `/v1.0/users/${alice}/calendarView/${id}`,
        ]) {
            const reply = await emu.client.get(path);
            expect([path, reply.status, reply.json.id]).toEqual([path, 200, budget]);
        }
        expect((await emu.client.post(`/v1.0/users/${alice}/events/${id}/cancel`, {}, immutable)).status).toBe(202);
        expect((await emu.client.get(budgetPath)).status).toBe(404);
    });

    it('works per item in $batch', async () => {
        const reply = await emu.client.post('/v1.0/$batch', {
            requests: [
                { id: '1', method: 'GET', url: `/users/${alice}/events/${budget}?$select=id`, headers: immutable },
                { id: '2', method: 'GET', url: `/users/${alice}/events/${budget}?$select=id` },
            ],
        });
        const responses = reply.json.responses as {
            id: string;
            headers: Record<string, string>;
            body: { id: string };
        }[];
        const byId = new Map(responses.map((r) => [r.id, r]));
        expect(byId.get('1')?.body.id).toBe(await immutableIdOf(budgetPath));
        expect(byId.get('1')?.headers['Preference-Applied']).toBe('IdType="ImmutableId"');
        expect(byId.get('2')?.body.id).toBe(budget);
        expect(byId.get('2')?.headers['Preference-Applied']).toBeUndefined();
    });
});

describe('moves: cancel, restore, purge', () => {
    it("a cancel moves the organizer's item to Deleted Items: new regular id, same immutable id, found by it", async () => {
        const id = await immutableIdOf(budgetPath);
        expect((await emu.client.post(`${budgetPath}/cancel`, {})).status).toBe(202);
        expect((await emu.client.get(budgetPath)).status).toBe(404);

        const reply = await emu.client.get(`/v1.0/users/${alice}/events/${id}?$select=id,parentFolderId`, immutable);
        expect(reply.status).toBe(200);
        expect(reply.json.id).toBe(id);
        const parent = reply.json.parentFolderId as string;
        expect(await calendarIds(alice)).not.toContain(parent);
        const item = (await emu.client.mailbox(alice)).find((i) => i.immutableId === id);
        expect(item).toMatchObject({ folder: 'Deleted Items', parentFolderId: parent, previousIds: [budget] });
        // Not through a calendar, and not in lists.
        expect((await emu.client.get(`/v1.0/users/${alice}/calendar/events/${id}`)).status).toBe(404);
        const list = (await emu.client.get(`/v1.0/users/${alice}/events`, immutable)).json.value as { id: string }[];
        expect(list.map((e) => e.id)).not.toContain(id);
    });

    it('parentFolderId is the calendar for an item in one, and only returned when selected', async () => {
        const reply = await emu.client.get(`${budgetPath}?$select=subject,parentFolderId`);
        expect(await calendarIds(alice)).toContain(reply.json.parentFolderId);
        expect((await emu.client.get(budgetPath)).json).not.toHaveProperty('parentFolderId');
    });

    it('a restore brings the cancelled meeting back as an ordinary event: new regular id, same immutable id', async () => {
        const id = await immutableIdOf(budgetPath);
        await emu.client.post(`${budgetPath}/cancel`, { comment: 'Off' });
        const inDeleted = (await emu.client.mailbox(alice)).find((i) => i.immutableId === id)!;

        const restored = await emu.client.admin('POST', `/mailboxes/${alice}/events/${id}/restore`);
        expect(restored.status).toBe(200);
        expect(restored.json).toMatchObject({
            immutableId: id,
            folder: 'Calendar',
            state: 'active',
            isCancelled: false,
            cancelledAt: null,
            previousIds: [budget, inDeleted.id],
        });
        const newId = restored.json.id as string;
        expect([budget, inDeleted.id]).not.toContain(newId);

        const byImmutable = await emu.client.get(
            `/v1.0/users/${alice}/events/${id}?$select=id,isCancelled,isOrganizer,parentFolderId`,
            immutable,
        );
        expect(byImmutable.json).toMatchObject({ id, isCancelled: false, isOrganizer: true });
        expect(await calendarIds(alice)).toContain(byImmutable.json.parentFolderId);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${newId}`)).json.id).toBe(newId);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${inDeleted.id}`)).status).toBe(404);
        // The restored item can be cancelled again, by either id.
        expect((await emu.client.post(`/v1.0/users/${alice}/events/${id}/cancel`, {})).status).toBe(202);
    });

    it('a restored series comes back with the occurrences that left with it', async () => {
        const series = `/v1.0/users/${alice}/events/${demoIds.teamSyncId}`;
        const id = await immutableIdOf(series);
        await emu.client.post(`${series}/cancel`, {});
        await emu.client.admin('POST', `/mailboxes/${alice}/events/${id}/restore`);
        const window = `startDateTime=${new Date(0).toISOString()}&endDateTime=${new Date(Date.UTC(2100, 0)).toISOString()}`;
        const reply = await emu.client.get(`/v1.0/users/${alice}/events/${id}/instances?${window}`);
        expect((reply.json.value as unknown[]).length).toBe(10);
    });

    it('restore answers 400 for an item not in Deleted Items, 404 for an unknown one', async () => {
        expect((await emu.client.admin('POST', `/mailboxes/${alice}/events/${budget}/restore`)).status).toBe(400);
        expect((await emu.client.admin('POST', `/mailboxes/${alice}/events/AAMkADnope=/restore`)).status).toBe(404);
        expect((await emu.client.admin('POST', `/mailboxes/${alice}/events/${budget}/undo`)).status).toBe(400);
    });

    it('a purge is a hard delete: 404 for both ids', async () => {
        const id = await immutableIdOf(budgetPath);
        await emu.client.post(`${budgetPath}/cancel`, {});
        const purged = await emu.client.admin('POST', `/mailboxes/${alice}/events/${id}/purge`);
        expect(purged.status).toBe(200);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${id}`, immutable)).status).toBe(404);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${purged.json.id as string}`)).status).toBe(404);
        expect((await emu.client.mailbox(alice)).some((i) => i.immutableId === id)).toBe(false);
    });

    it("an attendee's copy has its own immutable id", async () => {
        const organizer = await immutableIdOf(budgetPath);
        const copy = (await emu.client.mailbox(bob)).find((i) => i.subject === 'Budget review')!;
        expect(copy.immutableId).not.toBe(organizer);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${copy.immutableId}`)).status).toBe(404);
    });
});
