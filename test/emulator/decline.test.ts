import { demoIds, utcMidnight } from '../../dev/graph-emulator/demoTenant';
import { alice, appToken, bob, carol, Client, enc, errorOf, useEmulator } from './helpers';

const emu = useEmulator();
const day = 86_400_000;
const budget = demoIds.budgetReviewId;

interface Wire {
    id: string;
    subject: string;
    type: string;
    start: { dateTime: string };
    attendees: { emailAddress: { address: string }; status: { response: string } }[];
}

async function copyId(user: string, subject: string, type = 'singleInstance'): Promise<string> {
    const item = (await emu.client.mailbox(user)).find((i) => i.subject === subject && i.type === type);
    if (!item) throw new Error(`no ${subject} in ${user}`);
    return item.id;
}

function responseOf(event: Wire, address: string): string | undefined {
    return event.attendees.find((a) => a.emailAddress.address === address)?.status.response;
}

async function organizerBudget(): Promise<Wire> {
    return (await emu.client.get(`/v1.0/users/${alice}/events/${budget}`)).json as unknown as Wire;
}

async function view(user: string, fromDay: number, toDay: number): Promise<Wire[]> {
    const d0 = utcMidnight();
    const reply = await emu.client.get(
        `/v1.0/users/${user}/calendarView?startDateTime=${new Date(d0 + fromDay * day).toISOString()}&endDateTime=${new Date(d0 + toDay * day).toISOString()}&$top=100`,
    );
    return reply.json.value as Wire[];
}

describe('POST …/events/{id}/decline', () => {
    for (const version of ['v1.0', 'beta']) {
        test(`${version}: with sendResponse the copy leaves the calendar, declined, and the organizer sees the decline`, async () => {
            const id = await copyId(bob, 'Budget review');
            const reply = await emu.client.post(`/${version}/users/${bob}/events/${enc(id)}/decline`, {
                comment: 'I am leaving the company',
                sendResponse: true,
            });
            expect(reply.status).toBe(202);
            expect(reply.text).toBe('');
            expect((await emu.client.get(`/v1.0/users/${bob}/events/${enc(id)}`)).status).toBe(404);
            expect((await view(bob, 1, 2)).map((e) => e.subject)).toEqual(['Team sync']);
            const moved = (await emu.client.mailbox(bob)).find((i) => i.previousIds.includes(id));
            expect(moved).toMatchObject({ folder: 'Deleted Items', response: 'declined' });
            const organizer = await organizerBudget();
            expect(responseOf(organizer, bob)).toBe('declined');
            expect(responseOf(organizer, carol)).toBe('none');
        });
    }

    test('sendResponse defaults to true; an empty body is accepted', async () => {
        const id = await copyId(bob, 'Budget review');
        expect((await emu.client.post(`/v1.0/users/${bob}/events/${enc(id)}/decline`)).status).toBe(202);
        expect(responseOf(await organizerBudget(), bob)).toBe('declined');
    });

    test('sendResponse false: the copy leaves the calendar but the organizer is not told', async () => {
        const id = await copyId(carol, 'Budget review');
        const reply = await emu.client.post(`/v1.0/users/${carol}/events/${enc(id)}/decline`, { sendResponse: false });
        expect(reply.status).toBe(202);
        expect((await emu.client.get(`/v1.0/users/${carol}/events/${enc(id)}`)).status).toBe(404);
        expect(responseOf(await organizerBudget(), carol)).toBe('none');
    });

    test("declining one occurrence: only that instance leaves; the organizer's instance records it", async () => {
        const occurrences = (await view(bob, 0, 30)).filter((e) => e.subject === 'Team sync');
        const [first, second] = occurrences;
        if (!first || !second) throw new Error('need two occurrences');
        const reply = await emu.client.post(`/v1.0/users/${bob}/events/${enc(first.id)}/decline`, {
            sendResponse: true,
        });
        expect(reply.status).toBe(202);
        const after = (await view(bob, 0, 30)).map((e) => e.id);
        expect(after).not.toContain(first.id);
        expect(after).toContain(second.id);
        const alices = (await view(alice, 0, 30)).filter((e) => e.subject === 'Team sync');
        const same = alices.find((e) => e.start.dateTime === first.start.dateTime);
        const other = alices.find((e) => e.start.dateTime === second.start.dateTime);
        expect(same && responseOf(same, bob)).toBe('declined');
        expect(other && responseOf(other, bob)).toBe('none');
    });

    test("declining a series master: the attendee's whole series leaves", async () => {
        const masterId = await copyId(bob, 'Team sync', 'seriesMaster');
        expect((await emu.client.post(`/v1.0/users/${bob}/events/${enc(masterId)}/decline`, {})).status).toBe(202);
        expect((await view(bob, 0, 80)).some((e) => e.subject.startsWith('Team sync'))).toBe(false);
        expect((await view(carol, 0, 80)).filter((e) => e.subject.startsWith('Team sync')).length).toBe(10);
    });

    test("the organizer can't decline their own meeting → 400 ErrorInvalidRequest", async () => {
        const reply = await emu.client.post(`/v1.0/users/${alice}/events/${budget}/decline`, {});
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ErrorInvalidRequest');
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${budget}`)).status).toBe(200);
    });

    test('bad bodies → 400 RequestBodyRead, nothing declined', async () => {
        const id = await copyId(bob, 'Budget review');
        for (const body of [{ sendResponse: 'yes' }, { comment: 5 }, { reason: 'x' }]) {
            const reply = await emu.client.post(`/v1.0/users/${bob}/events/${enc(id)}/decline`, body);
            expect(reply.status).toBe(400);
            expect(errorOf(reply).code).toBe('RequestBodyRead');
        }
        expect((await emu.client.get(`/v1.0/users/${bob}/events/${enc(id)}`)).status).toBe(200);
    });

    test('needs Calendars.ReadWrite', async () => {
        const id = await copyId(bob, 'Budget review');
        const reader = new Client(emu.emulator, appToken(['Calendars.Read']));
        expect((await reader.post(`/v1.0/users/${bob}/events/${enc(id)}/decline`, {})).status).toBe(403);
    });
});
