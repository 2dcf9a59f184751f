import { demoFixture, utcMidnight } from '../../dev/graph-emulator/demoTenant';
import { departingUser, offboardingWindowDays } from '../../dev/graph-emulator/departingUser';
import { type AdminItem, alice, bob, useEmulator } from './helpers';

const emu = useEmulator({ resetEachTest: false });
const dana = departingUser.userPrincipalName;
const day = 86_400_000;

interface ViewItem {
    id: string;
    type: string;
    isOrganizer: boolean;
    seriesMasterId: string | null;
    attendees: { type: string }[];
    categories: string[];
    organizer: { emailAddress: { address: string } };
}

async function users(): Promise<string[]> {
    const reply = await emu.client.get('/v1.0/users?$select=userPrincipalName');
    return (reply.json.value as { userPrincipalName: string }[]).map((u) => u.userPrincipalName);
}

describe('the default demo tenant is unchanged', () => {
    test('three users, no dana', async () => {
        await emu.client.reset();
        expect(await users()).toEqual([alice, bob, 'carol@contoso.test']);
        expect(demoFixture().users.map((u) => u.userPrincipalName)).not.toContain(dana);
    });
});

describe('the offboarding preset: dana, departing, with a realistic calendar', () => {
    let items: AdminItem[] = [];
    let inWindow: ViewItem[] = [];

    beforeAll(async () => {
        const reset = await emu.client.admin('POST', '/reset?preset=offboarding');
        expect(reset.json.users).toBe(4);
        items = await emu.client.mailbox(dana);
        const d0 = utcMidnight();
        const reply = await emu.client.get(
            `/v1.0/users/${dana}/calendarView?startDateTime=${new Date(d0).toISOString()}&endDateTime=${new Date(d0 + offboardingWindowDays * day).toISOString()}&$top=1000`,
        );
        inWindow = reply.json.value as ViewItem[];
    });

    test('a directory user with a few hundred items', async () => {
        expect(await users()).toContain(dana);
        expect(items.length).toBeGreaterThanOrEqual(250);
        expect(items.length).toBeLessThanOrEqual(600);
        expect(inWindow.length).toBeGreaterThanOrEqual(100);
    });

    test('singles with and without attendees, some with a room', () => {
        const organized = inWindow.filter((i) => i.isOrganizer && i.type === 'singleInstance');
        expect(organized.filter((i) => i.attendees.length === 0).length).toBeGreaterThan(5);
        expect(organized.filter((i) => i.attendees.length > 0).length).toBeGreaterThan(20);
        expect(organized.some((i) => i.attendees.some((a) => a.type === 'resource'))).toBe(true);
    });

    test('series that started before the window, series that start inside it, exceptions', () => {
        const d0 = utcMidnight();
        const masters = items.filter((i) => i.type === 'seriesMaster' && i.isOrganizer);
        const startsOf = masters.map((m) => Date.parse(`${m.start.dateTime.slice(0, 19)}Z`));
        expect(startsOf.some((s) => s < d0)).toBe(true);
        expect(startsOf.some((s) => s >= d0 && s < d0 + offboardingWindowDays * day)).toBe(true);
        const inWindowMasters = new Set(inWindow.map((i) => i.seriesMasterId).filter((id) => id !== null));
        const startedBefore = masters.filter((m, k) => (startsOf[k] ?? 0) < d0 && inWindowMasters.has(m.id));
        expect(startedBefore.length).toBeGreaterThanOrEqual(2);
        expect(inWindow.some((i) => i.type === 'exception' && i.isOrganizer)).toBe(true);
        // A series with no attendees, and one that ended before the window.
        expect(masters.some((m) => m.attendees.length === 0)).toBe(true);
        expect(masters.some((m) => m.subject === 'Old retrospective' && !inWindowMasters.has(m.id))).toBe(true);
    });

    test("invitations from alice and bob: copies in dana's mailbox, organizer items in theirs", async () => {
        const invitations = inWindow.filter((i) => !i.isOrganizer);
        const organizers = new Set(invitations.map((i) => i.organizer.emailAddress.address));
        expect(organizers).toEqual(new Set([alice, bob]));
        expect(invitations.some((i) => i.type === 'occurrence')).toBe(true);
        const alicesItems = await emu.client.mailbox(alice);
        expect(alicesItems.some((i) => i.isOrganizer && i.attendees.includes(dana))).toBe(true);
        const bobsItems = await emu.client.mailbox(bob);
        expect(bobsItems.some((i) => i.isOrganizer && i.attendees.includes(dana))).toBe(true);
    });

    test('categories on some items', () => {
        const tagged = inWindow.filter((i) => i.categories.length > 0);
        expect(tagged.length).toBeGreaterThan(10);
        expect(tagged.length).toBeLessThan(inWindow.length);
    });

    test('deterministic: the same calendar for the same day, the same ids after every reset', async () => {
        const now = Date.now();
        expect(JSON.stringify(demoFixture(now, { departingUser: true }))).toBe(
            JSON.stringify(demoFixture(now, { departingUser: true })),
        );
        await emu.client.admin('POST', '/reset?preset=offboarding');
        const again = await emu.client.mailbox(dana);
        expect(again.map((i) => i.id)).toEqual(items.map((i) => i.id));
    });

    test('an unknown preset → 400', async () => {
        expect((await emu.client.admin('POST', '/reset?preset=nope')).status).toBe(400);
    });
});
