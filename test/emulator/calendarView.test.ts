import { demoIds, utcMidnight } from '../../dev/graph-emulator/demoTenant';
import { departingUser } from '../../dev/graph-emulator/departingUser';
import { mintToken } from '../../dev/identity/mintToken';
import { alice, bob, Client, enc, errorOf, useEmulator } from './helpers';

const emu = useEmulator();
const day = 86_400_000;
const dana = departingUser.userPrincipalName;

interface ViewItem {
    id: string;
    subject: string;
    type: string;
    seriesMasterId: string | null;
    isCancelled: boolean;
    start: { dateTime: string };
    categories?: string[];
}

interface Page {
    value: ViewItem[];
    '@odata.nextLink'?: string;
}

function window(fromDay: number, toDay: number): string {
    const d0 = utcMidnight();
    return `startDateTime=${new Date(d0 + fromDay * day).toISOString()}&endDateTime=${new Date(d0 + toDay * day).toISOString()}`;
}

async function view(user: string, query: string, headers?: Record<string, string>): Promise<ViewItem[]> {
    const reply = await emu.client.get(`/v1.0/users/${user}/calendarView?${query}`, headers);
    expect(reply.status).toBe(200);
    return (reply.json as unknown as Page).value;
}

/** Follows `@odata.nextLink` (absolute URLs on the emulator) to the end; returns every page. */
async function allPages(first: string, headers?: Record<string, string>): Promise<Page[]> {
    const pages: Page[] = [];
    let url: string | undefined = first;
    while (url !== undefined) {
        expect(url.startsWith(emu.client.url)).toBe(true);
        const reply = await emu.client.get(url.slice(emu.client.url.length), headers);
        expect(reply.status).toBe(200);
        const page = reply.json as unknown as Page;
        pages.push(page);
        url = page['@odata.nextLink'];
        if (pages.length > 200) throw new Error('nextLink never ends');
    }
    return pages;
}

describe('calendarView: the window is required', () => {
    for (const version of ['v1.0', 'beta']) {
        for (const [name, query] of [
            ['no parameters', ''],
            ['no endDateTime', `startDateTime=${new Date().toISOString()}`],
            ['no startDateTime', `endDateTime=${new Date().toISOString()}`],
        ]) {
            test(`${version}: ${name} → 400 ErrorInvalidParameter in Graph's envelope`, async () => {
                const reply = await emu.client.get(`/${version}/users/${alice}/calendarView?${query}`);
                expect(reply.status).toBe(400);
                expect(errorOf(reply).code).toBe('ErrorInvalidParameter');
                expect(errorOf(reply).innerError['request-id']).toEqual(expect.any(String));
            });
        }
    }

    test('a value that is not a date → 400', async () => {
        const reply = await emu.client.get(`/v1.0/users/${alice}/calendarView?startDateTime=soon&endDateTime=later`);
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ErrorInvalidParameter');
    });
});

describe('calendarView: what is in it', () => {
    test('series come expanded into occurrences and exceptions with their seriesMasterId; no master', async () => {
        const items = await view(alice, `${window(0, 30)}&$top=100`);
        const teamSync = items.filter((i) => i.subject.startsWith('Team sync'));
        expect(teamSync.length).toBeGreaterThanOrEqual(4);
        expect(new Set(teamSync.map((i) => i.type))).toEqual(new Set(['occurrence', 'exception']));
        expect(teamSync.every((i) => i.seriesMasterId === demoIds.teamSyncId)).toBe(true);
        expect(items.some((i) => i.type === 'seriesMaster')).toBe(false);
        const starts = items.map((i) => i.start.dateTime);
        expect([...starts].sort()).toEqual(starts);
    });

    test("the attendee's copies are in the attendee's view, pointing at the attendee's own master", async () => {
        const items = await view(bob, `${window(0, 30)}&$top=100`);
        const teamSync = items.filter((i) => i.subject.startsWith('Team sync'));
        expect(teamSync.length).toBeGreaterThanOrEqual(4);
        const masters = new Set(teamSync.map((i) => i.seriesMasterId));
        expect(masters.size).toBe(1);
        expect(masters.has(demoIds.teamSyncId)).toBe(false);
    });

    test('only items overlapping the window', async () => {
        const items = await view(alice, window(1, 2));
        expect(items.map((i) => i.subject).sort()).toEqual(['Budget review', 'Team sync']);
    });

    test('a cancelled occurrence is gone for the organizer; the attendee sees it cancelled', async () => {
        const before = (await view(alice, `${window(0, 30)}&$top=100`)).filter((i) => i.type === 'occurrence');
        const first = before[0];
        if (!first) throw new Error('no occurrence');
        expect((await emu.client.post(`/v1.0/users/${alice}/events/${enc(first.id)}/cancel`, {})).status).toBe(202);
        const after = await view(alice, `${window(0, 30)}&$top=100`);
        expect(after.some((i) => i.id === first.id)).toBe(false);
        const bobs = (await view(bob, `${window(0, 30)}&$top=100`)).filter(
            (i) => i.start.dateTime === first.start.dateTime,
        );
        expect(bobs.map((i) => i.isCancelled)).toEqual([true]);
    });

    test('an item in Deleted Items is absent', async () => {
        expect((await emu.client.post(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}/cancel`, {})).status).toBe(
            202,
        );
        const items = await view(alice, window(1, 2));
        expect(items.map((i) => i.subject)).toEqual(['Team sync']);
    });

    test('$select: the selected properties plus id and @odata.etag', async () => {
        const items = await view(alice, `${window(1, 2)}&$select=subject,categories`);
        expect(items.length).toBe(2);
        for (const item of items) {
            expect(Object.keys(item).sort()).toEqual(['@odata.etag', 'categories', 'id', 'subject']);
        }
    });

    test('/me/calendarView with a delegated token is the signed-in user', async () => {
        const token = mintToken({ user: alice, scp: ['Calendars.Read'], audience: 'https://graph.microsoft.com' });
        const me = new Client(emu.emulator, token);
        const reply = await me.get(`/beta/me/calendarView?${window(1, 2)}`);
        expect(reply.status).toBe(200);
        expect((reply.json.value as ViewItem[]).map((i) => i.subject).sort()).toEqual(['Budget review', 'Team sync']);
        expect((await emu.client.get(`/v1.0/me/calendarView?${window(1, 2)}`)).status).toBe(400);
    });
});

describe('calendarView: server-driven paging', () => {
    beforeEach(async () => {
        const reset = await emu.client.admin('POST', '/reset?preset=offboarding');
        expect(reset.status).toBe(200);
    });

    test('default pages of 10 with an absolute nextLink; following it yields every item once, in order', async () => {
        const all = await view(dana, `${window(0, 90)}&$top=1000`);
        expect(all.length).toBeGreaterThan(100);
        const pages = await allPages(`${emu.client.url}/v1.0/users/${dana}/calendarView?${window(0, 90)}`);
        expect(pages.slice(0, -1).every((p) => p.value.length === 10)).toBe(true);
        expect(pages.flatMap((p) => p.value.map((i) => i.id))).toEqual(all.map((i) => i.id));
    });

    test('$top sets the page size and is kept in the nextLink, with $select', async () => {
        const all = await view(dana, `${window(0, 90)}&$top=1000&$select=subject`);
        const pages = await allPages(
            `${emu.client.url}/beta/users/${enc(dana)}/calendarView?${window(0, 90)}&$top=25&$select=subject`,
        );
        expect(pages.length).toBe(Math.ceil(all.length / 25));
        expect(pages.every((p) => p.value.length <= 25)).toBe(true);
        expect(pages.flatMap((p) => p.value.map((i) => i.id))).toEqual(all.map((i) => i.id));
        expect(Object.keys(pages[1]?.value[0] ?? {}).sort()).toEqual(['@odata.etag', 'id', 'subject']);
    });

    test('Prefer: odata.maxpagesize sets the page size and is echoed in Preference-Applied', async () => {
        const prefer = { Prefer: 'outlook.timezone="UTC", odata.maxpagesize=50' };
        const reply = await emu.client.get(`/v1.0/users/${dana}/calendarView?${window(0, 90)}`, prefer);
        expect(reply.status).toBe(200);
        expect((reply.json.value as ViewItem[]).length).toBe(50);
        expect(reply.headers.get('preference-applied')).toBe('odata.maxpagesize=50');
        const pages = await allPages(String(reply.json['@odata.nextLink']), prefer);
        const all = await view(dana, `${window(0, 90)}&$top=1000`);
        expect(pages.flatMap((p) => p.value).length + 50).toBe(all.length);
    });

    test('no nextLink on the last page; a bad $top → 400', async () => {
        const reply = await emu.client.get(`/v1.0/users/${dana}/calendarView?${window(0, 90)}&$top=1000`);
        expect(reply.json['@odata.nextLink']).toBeUndefined();
        const bad = await emu.client.get(`/v1.0/users/${dana}/calendarView?${window(0, 90)}&$top=ten`);
        expect(bad.status).toBe(400);
        expect(errorOf(bad).code).toBe('BadRequest');
    });
});
