import { demoIds, utcMidnight } from '../../dev/graph-emulator/demoTenant';
import { alice, bob, carol, enc, errorOf, useEmulator } from './helpers';

const emu = useEmulator();
const day = 86_400_000;
const teamSync = demoIds.teamSyncId;

interface Wire {
    id: string;
    subject: string;
    categories: string[];
    start: { dateTime: string };
    recurrence: { range: { type: string; startDate: string; endDate: string } } | null;
}

/** Team sync: weekly from D0+1d; occurrence #3 is on D0+22d. */
const dateOf = (offsetDays: number): string => new Date(utcMidnight() + offsetDays * day).toISOString().slice(0, 10);

async function teamSyncDates(user: string): Promise<string[]> {
    const d0 = utcMidnight();
    const reply = await emu.client.get(
        `/v1.0/users/${user}/calendarView?startDateTime=${new Date(d0).toISOString()}&endDateTime=${new Date(d0 + 80 * day).toISOString()}&$top=100`,
    );
    return (reply.json.value as Wire[])
        .filter((e) => e.subject.startsWith('Team sync'))
        .map((e) => e.start.dateTime.slice(0, 10));
}

function patch(user: string, id: string, body: unknown, version = 'v1.0') {
    return emu.client.call('PATCH', `/${version}/users/${user}/events/${enc(id)}`, body);
}

const endOn = (endDate: string) => ({ recurrence: { range: { type: 'endDate', endDate } } });

describe("PATCH a series master's recurrence.range to end it", () => {
    for (const version of ['v1.0', 'beta']) {
        test(`${version}: later occurrences disappear for the organizer and every attendee; earlier ones stay`, async () => {
            const endDate = dateOf(22);
            const reply = await patch(alice, teamSync, endOn(endDate), version);
            expect(reply.status).toBe(200);
            expect((reply.json as unknown as Wire).recurrence?.range).toMatchObject({ type: 'endDate', endDate });
            const expected = [dateOf(1), dateOf(8), dateOf(15), dateOf(22)];
            for (const user of [alice, bob, carol]) {
                expect(await teamSyncDates(user)).toEqual(expected);
            }
            const bobMaster = (await emu.client.mailbox(bob)).find((i) => i.type === 'seriesMaster');
            expect(bobMaster?.recurrenceEndDate).toBe(endDate);
        });
    }

    test('with the series’ own pattern too; the same end date again changes nothing more', async () => {
        const body = {
            recurrence: {
                pattern: {
                    type: 'weekly',
                    interval: 1,
                    daysOfWeek: [
                        new Date(utcMidnight() + day).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' }),
                    ],
                },
                range: { type: 'endDate', startDate: dateOf(1), endDate: dateOf(8) },
            },
        };
        expect((await patch(alice, teamSync, body)).status).toBe(200);
        expect((await patch(alice, teamSync, body)).status).toBe(200);
        expect(await teamSyncDates(carol)).toEqual([dateOf(1), dateOf(8)]);
    });

    test("an attendee can't change the recurrence → 400 ErrorInvalidRequest, nothing changes", async () => {
        const bobMaster = (await emu.client.mailbox(bob)).find((i) => i.type === 'seriesMaster');
        const reply = await patch(bob, bobMaster?.id ?? '', endOn(dateOf(8)));
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ErrorInvalidRequest');
        expect((await teamSyncDates(bob)).length).toBe(10);
    });

    test('refused: other range types, a pattern change, lengthening, an end before the start, a non-master', async () => {
        const refusals: [unknown, string][] = [
            [{ recurrence: { range: { type: 'numbered', numberOfOccurrences: 3 } } }, 'ErrorInvalidRequest'],
            [
                {
                    recurrence: {
                        pattern: { type: 'daily', interval: 1 },
                        range: { type: 'endDate', endDate: dateOf(8) },
                    },
                },
                'ErrorInvalidRequest',
            ],
            [endOn(dateOf(200)), 'ErrorInvalidRequest'],
            [endOn(dateOf(-3)), 'ErrorInvalidRequest'],
            [endOn('next week'), 'RequestBodyRead'],
            [{ recurrence: null }, 'ErrorInvalidRequest'],
        ];
        for (const [body, code] of refusals) {
            const reply = await patch(alice, teamSync, body);
            expect([reply.status, errorOf(reply).code]).toEqual([400, code]);
        }
        const single = await patch(alice, demoIds.budgetReviewId, endOn(dateOf(8)));
        expect([single.status, errorOf(single).code]).toEqual([400, 'ErrorInvalidRequest']);
        expect((await teamSyncDates(alice)).length).toBe(10);
    });

    test('other properties → 400 and the whole body is refused; unknown ones → 400 RequestBodyRead', async () => {
        const subject = await patch(alice, teamSync, { ...endOn(dateOf(8)), subject: 'Renamed' });
        expect([subject.status, errorOf(subject).code]).toEqual([400, 'ErrorInvalidRequest']);
        expect((await teamSyncDates(alice)).length).toBe(10);
        const unknown = await patch(alice, teamSync, { colour: 'blue' });
        expect([unknown.status, errorOf(unknown).code]).toEqual([400, 'RequestBodyRead']);
        const empty = await emu.client.call('PATCH', `/v1.0/users/${alice}/events/${teamSync}`);
        expect(empty.status).toBe(400);
    });
});

describe('categories', () => {
    test('PATCH sets them on any copy; reads return them; $select-able', async () => {
        const reply = await patch(alice, demoIds.budgetReviewId, { categories: ['Offboarding', 'Internal'] });
        expect(reply.status).toBe(200);
        const read = await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}?$select=categories`);
        expect(read.json.categories).toEqual(['Offboarding', 'Internal']);
        const bobCopy = (await emu.client.mailbox(bob)).find((i) => i.subject === 'Budget review');
        expect((await patch(bob, bobCopy?.id ?? '', { categories: ['Mine'] })).status).toBe(200);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}`)).json.categories).toEqual(
            ['Offboarding', 'Internal'],
        );
        const bad = await patch(alice, demoIds.budgetReviewId, { categories: 'Internal' });
        expect([bad.status, errorOf(bad).code]).toEqual([400, 'RequestBodyRead']);
    });

    test('seeded from the fixture, copied to attendees', async () => {
        await emu.client.reset({
            tenantId: 'dc0ffee0-7e4a-4c6b-9d2f-000000000001',
            users: [
                { id: 'a11ce000-0000-4000-8000-000000000001', userPrincipalName: alice, displayName: 'Alice' },
                { id: 'b0b00000-0000-4000-8000-000000000002', userPrincipalName: bob, displayName: 'Bob' },
            ],
            events: [
                {
                    id: 'AAMkADcat=',
                    subject: 'Tagged',
                    organizer: alice,
                    start: '2030-01-07T09:00:00Z',
                    end: '2030-01-07T10:00:00Z',
                    attendees: [bob],
                    categories: ['Customer'],
                },
            ],
        });
        expect((await emu.client.get(`/v1.0/users/${alice}/events/AAMkADcat=`)).json.categories).toEqual(['Customer']);
        expect((await emu.client.mailbox(bob)).map((i) => i.categories)).toEqual([['Customer']]);
    });
});
