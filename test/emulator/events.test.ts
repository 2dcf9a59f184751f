import { demoIds, utcMidnight } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { type AdminItem, alice, bob, carol, enc, errorOf, useEmulator } from './helpers';

const organizerOnly = "Your request can't be completed. You need to be an organizer to cancel a meeting.";
const day = 86_400_000;
const emu = useEmulator();
let defaultCalendarId = '';
let projectsCalendarId = '';
let calendarGroupId = '';

// Ids the emulator generates at start; runs after useEmulator's own beforeAll (hooks run in declaration order).
beforeAll(async () => {
    const calendars = (await emu.client.get(`/v1.0/users/${alice}/calendars`)).json.value as {
        id: string;
        name: string;
    }[];
    defaultCalendarId = calendars.find((c) => c.name === 'Calendar')?.id ?? '';
    projectsCalendarId = calendars.find((c) => c.name === 'Projects')?.id ?? '';
    const groups = (await emu.client.get(`/v1.0/users/${alice}/calendarGroups`)).json.value as {
        id: string;
        name: string;
    }[];
    calendarGroupId = groups.find((g) => g.name === 'My Calendars')?.id ?? '';
});

const budget = demoIds.budgetReviewId;

async function copyOf(user: string, subject: string, type = 'singleInstance'): Promise<AdminItem> {
    const item = (await emu.client.mailbox(user)).find((i) => i.subject === subject && i.type === type);
    if (!item) throw new Error(`no ${subject} in ${user}`);
    return item;
}

interface Instance {
    id: string;
    type: string;
    subject: string;
    start: { dateTime: string; timeZone: string };
}

async function instances(user: string, masterId: string, from: number, to: number): Promise<Instance[]> {
    const reply = await emu.client.get(
        `/v1.0/users/${user}/events/${enc(masterId)}/instances?startDateTime=${new Date(from).toISOString()}&endDateTime=${new Date(to).toISOString()}`,
    );
    expect(reply.status).toBe(200);
    return reply.json.value as Instance[];
}

describe('cancel on every route form', () => {
    const forms: [string, () => string][] = [
        ['users/{upn}/events', () => `/users/${alice}/events/${budget}`],
        ['users/{id}/events', () => `/users/${devTenant.users[0].id}/events/${budget}`],
        ['users/{upn}/calendar/events', () => `/users/${alice}/calendar/events/${budget}`],
        ['users/{upn}/calendars/{id}/events', () => `/users/${alice}/calendars/${defaultCalendarId}/events/${budget}`],
        [
            'users/{upn}/calendarGroups/{id}/calendars/{id}/events',
            () => `/users/${alice}/calendarGroups/${calendarGroupId}/calendars/${defaultCalendarId}/events/${budget}`,
        ],
        [
            'users/{upn}/calendargroups/…',
            () => `/users/${alice}/calendargroups/${calendarGroupId}/calendars/${defaultCalendarId}/events/${budget}`,
        ],
        [
            'users/{upn}/calendargroup/… (singular)',
            () => `/users/${alice}/calendargroup/${calendarGroupId}/calendars/${defaultCalendarId}/events/${budget}`,
        ],
        [
            'users/{upn}/calendargroup/calendars/{id}/events (default group, no id)',
            () => `/users/${alice}/calendargroup/calendars/${defaultCalendarId}/events/${budget}`,
        ],
        [
            'users/{upn}/calendarGroups/calendars/{id}/events (plural, no id)',
            () => `/users/${alice}/calendarGroups/calendars/${defaultCalendarId}/events/${budget}`,
        ],
        ['users/{upn}/calendarView/{id}', () => `/users/${alice}/calendarView/${budget}`],
        ['case-insensitive segments and UPN', () => `/USERS/ALICE@CONTOSO.TEST/CALENDAR/EVENTS/${budget}`],
        ['URL-encoded UPN and id', () => `/users/${enc(alice)}/events/${enc(budget)}`],
    ];
    for (const version of ['v1.0', 'beta']) {
        test.each(forms)(`${version} %s`, async (_name, path) => {
            const reply = await emu.client.post(`/${version}${path()}/cancel`, { comment: `via ${_name}` });
            expect(reply.status).toBe(202);
            expect(reply.text).toBe('');
            expect(reply.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
            const gone = await emu.client.get(`/v1.0/users/${alice}/events/${budget}`);
            expect(gone.status).toBe(404);
            expect(errorOf(gone).code).toBe('ErrorItemNotFound');
            expect(errorOf(gone).message).toBe('The specified object was not found in the store.');
            const moved = (await emu.client.mailbox(alice)).find((i) => i.previousIds.includes(budget));
            expect(moved?.folder).toBe('Deleted Items');
            expect(moved?.id).not.toBe(budget);
            expect(moved?.cancelComment).toBe(`via ${_name}`);
            for (const attendee of [bob, carol]) {
                const copy = await copyOf(attendee, 'Budget review');
                expect(copy.isCancelled).toBe(true);
                expect(copy.folder).toBe('Calendar');
            }
        });
    }

    test('version segment is case-insensitive too', async () => {
        expect((await emu.client.post(`/V1.0/users/${alice}/events/${budget}/cancel`, {})).status).toBe(202);
    });

    test('groups/{id}/events and groups/{id}/calendar/events', async () => {
        for (const form of ['events', 'calendar/events']) {
            await emu.client.reset();
            const reply = await emu.client.post(
                `/v1.0/groups/${demoIds.salesGroupId}/${form}/${demoIds.salesMeetingId}/cancel`,
                {
                    comment: 'no pipeline this week',
                },
            );
            expect(reply.status).toBe(202);
            expect(
                (await emu.client.get(`/v1.0/groups/${demoIds.salesGroupId}/events/${demoIds.salesMeetingId}`)).status,
            ).toBe(404);
            expect((await copyOf(alice, 'Sales pipeline')).isCancelled).toBe(true);
            expect((await copyOf(bob, 'Sales pipeline')).isCancelled).toBe(true);
        }
    });

    test('groups have no calendars/{id} or calendarGroups form', async () => {
        const reply = await emu.client.post(
            `/v1.0/groups/${demoIds.salesGroupId}/calendars/x/events/${demoIds.salesMeetingId}/cancel`,
            {},
        );
        expect(reply.status).toBe(400);
        expect(errorOf(reply).message).toBe("Resource not found for the segment 'calendars'.");
    });

    test('calendargroup/calendars lists the default group; its calendars/{id} scopes like a group id', async () => {
        const list = await emu.client.get(`/v1.0/users/${alice}/calendargroup/calendars`);
        expect(list.status).toBe(200);
        expect((list.json.value as { name: string }[]).map((c) => c.name).sort()).toEqual(['Calendar', 'Projects']);
        const wrongCalendar = await emu.client.post(
            `/v1.0/users/${alice}/calendargroup/calendars/${projectsCalendarId}/events/${budget}/cancel`,
            {},
        );
        expect(wrongCalendar.status).toBe(404);
        expect(errorOf(wrongCalendar).code).toBe('ErrorItemNotFound');
        const groupMailbox = await emu.client.post(
            `/v1.0/groups/${demoIds.salesGroupId}/calendargroup/calendars/x/events/${demoIds.salesMeetingId}/cancel`,
            {},
        );
        expect(groupMailbox.status).toBe(400);
    });

    test('an event under the wrong calendar → 404, and nothing is cancelled', async () => {
        const reply = await emu.client.post(
            `/v1.0/users/${alice}/calendars/${projectsCalendarId}/events/${budget}/cancel`,
            {},
        );
        expect(reply.status).toBe(404);
        expect(errorOf(reply).code).toBe('ErrorItemNotFound');
        const other = await emu.client.post(
            `/v1.0/users/${alice}/calendarGroups/${calendarGroupId}/calendars/${projectsCalendarId}/events/${budget}/cancel`,
            {},
        );
        expect(other.status).toBe(404);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${budget}`)).status).toBe(200);
        // …but the Projects calendar's own event is found there.
        const kickoff = await emu.client.post(
            `/v1.0/users/${alice}/calendars/${projectsCalendarId}/events/${demoIds.kickoffId}/cancel`,
            {},
        );
        expect(kickoff.status).toBe(202);
    });

    test('an event under another user → 404', async () => {
        const reply = await emu.client.post(`/v1.0/users/${bob}/events/${budget}/cancel`, {});
        expect(reply.status).toBe(404);
    });

    test('unknown user → 404 ErrorInvalidUser', async () => {
        const reply = await emu.client.post(`/v1.0/users/nobody@contoso.test/events/${budget}/cancel`, {});
        expect(reply.status).toBe(404);
        expect(errorOf(reply).code).toBe('ErrorInvalidUser');
    });

    test('EWS-style id → 400 ErrorInvalidIdMalformed', async () => {
        const reply = await emu.client.post(`/v1.0/users/${alice}/events/${enc('AAMk+abc/def==')}/cancel`, {});
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ErrorInvalidIdMalformed');
    });
});

describe('cancel semantics', () => {
    test('an attendee cannot cancel: 400 with Graph’s exact message, nothing changes', async () => {
        const copy = await copyOf(bob, 'Budget review');
        const reply = await emu.client.post(`/v1.0/users/${bob}/events/${copy.id}/cancel`, { comment: 'not mine' });
        expect(reply.status).toBe(400);
        expect(errorOf(reply).message).toBe(organizerOnly);
        expect(errorOf(reply).code).toBe('ErrorInvalidRequest');
        expect((await copyOf(bob, 'Budget review')).isCancelled).toBe(false);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${budget}`)).status).toBe(200);
    });

    test('attendee copies share the iCalUId and say isOrganizer false', async () => {
        const organizer = await emu.client.get(`/v1.0/users/${alice}/events/${budget}`);
        const copy = await copyOf(bob, 'Budget review');
        const copyReply = await emu.client.get(`/v1.0/users/${bob}/events/${copy.id}`);
        expect(copyReply.json.iCalUId).toBe(organizer.json.iCalUId);
        expect(copyReply.json.isOrganizer).toBe(false);
        expect(organizer.json.isOrganizer).toBe(true);
        expect(copyReply.json.id).not.toBe(organizer.json.id);
        expect(organizer.json.organizer).toEqual({ emailAddress: { name: 'Alice Adams', address: alice } });
        expect(organizer.json['@odata.etag']).toBe(`W/"${String(organizer.json.changeKey)}"`);
    });

    test('body: `Comment` accepted, no body accepted, unknown property → 400 RequestBodyRead', async () => {
        const unknown = await emu.client.post(`/v1.0/users/${alice}/events/${budget}/cancel`, {
            comment: 'x',
            notify: true,
        });
        expect(unknown.status).toBe(400);
        expect(errorOf(unknown).code).toBe('RequestBodyRead');
        expect(errorOf(unknown).message).toContain("'notify'");
        const wrongType = await emu.client.post(`/v1.0/users/${alice}/events/${budget}/cancel`, { comment: 42 });
        expect(wrongType.status).toBe(400);
        const upper = await emu.client.post(`/v1.0/users/${alice}/events/${budget}/cancel`, { Comment: 'Capitalised' });
        expect(upper.status).toBe(202);
        expect((await emu.client.mailbox(alice)).find((i) => i.previousIds.includes(budget))?.cancelComment).toBe(
            'Capitalised',
        );
        await emu.client.reset();
        const empty = await emu.client.call('POST', `/v1.0/users/${alice}/events/${budget}/cancel`);
        expect(empty.status).toBe(202);
    });

    test('an occurrence id cancels that occurrence only', async () => {
        const d0 = utcMidnight();
        const before = await instances(alice, demoIds.teamSyncId, d0, d0 + 80 * day);
        expect(before).toHaveLength(10);
        const second = before[1];
        if (!second) throw new Error('no second occurrence');
        expect(second.type).toBe('occurrence');
        const reply = await emu.client.post(`/v1.0/users/${alice}/events/${second.id}/cancel`, { comment: 'holiday' });
        expect(reply.status).toBe(202);
        const after = await instances(alice, demoIds.teamSyncId, d0, d0 + 80 * day);
        expect(after).toHaveLength(9);
        expect(after.map((i) => i.id)).not.toContain(second.id);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${second.id}`)).status).toBe(404);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}`)).status).toBe(200);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${before[0]?.id ?? ''}`)).status).toBe(200);
        const beta = await emu.client.get(`/beta/users/${alice}/events/${demoIds.teamSyncId}`);
        expect(beta.json.cancelledOccurrences).toHaveLength(1);
        expect(String((beta.json.cancelledOccurrences as string[])[0])).toMatch(/^OID\./);
        const v1 = await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}`);
        expect(v1.json.cancelledOccurrences).toEqual(beta.json.cancelledOccurrences);
        // bob's copy of that occurrence is cancelled, his other occurrences are not
        const bobItems = (await emu.client.mailbox(bob)).filter(
            (i) => i.subject.startsWith('Team sync') && i.type !== 'seriesMaster',
        );
        expect(bobItems.filter((i) => i.isCancelled)).toHaveLength(1);
        expect(bobItems.find((i) => i.isCancelled)?.start).toEqual(second.start);
    });

    test('an occurrence through events/{master}/instances/{id}/cancel; wrong master → 404', async () => {
        const d0 = utcMidnight();
        const [first] = await instances(alice, demoIds.teamSyncId, d0, d0 + 80 * day);
        if (!first) throw new Error('no occurrence');
        const wrong = await emu.client.post(`/v1.0/users/${alice}/events/${budget}/instances/${first.id}/cancel`, {});
        expect(wrong.status).toBe(404);
        const viaInstances = await emu.client.post(
            `/beta/users/${alice}/events/${demoIds.teamSyncId}/instances/${first.id}/cancel`,
            {},
        );
        expect(viaInstances.status).toBe(202);
        expect(
            (await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}/instances/${first.id}`)).status,
        ).toBe(404);
    });

    test('a series master id cancels the whole series', async () => {
        const d0 = utcMidnight();
        const before = await instances(alice, demoIds.teamSyncId, d0, d0 + 80 * day);
        const reply = await emu.client.post(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}/cancel`, {
            comment: 'team disbanded',
        });
        expect(reply.status).toBe(202);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}`)).status).toBe(404);
        for (const occurrence of before) {
            expect((await emu.client.get(`/v1.0/users/${alice}/events/${occurrence.id}`)).status).toBe(404);
        }
        const master = (await emu.client.mailbox(alice)).find((i) => i.previousIds.includes(demoIds.teamSyncId));
        expect(master?.folder).toBe('Deleted Items');
        expect(master?.cancelComment).toBe('team disbanded');
        const bobSeries = (await emu.client.mailbox(bob)).filter((i) => i.subject.startsWith('Team sync'));
        expect(bobSeries.length).toBe(11);
        expect(bobSeries.every((i) => i.isCancelled)).toBe(true);
    });

    test('an exception id cancels that exception only', async () => {
        const d0 = utcMidnight();
        const before = await instances(alice, demoIds.teamSyncId, d0, d0 + 80 * day);
        const exception = before.find((i) => i.type === 'exception');
        expect(exception?.subject).toBe('Team sync (moved)');
        const reply = await emu.client.post(`/v1.0/users/${alice}/events/${exception?.id ?? ''}/cancel`, {});
        expect(reply.status).toBe(202);
        const after = await instances(alice, demoIds.teamSyncId, d0, d0 + 80 * day);
        expect(after).toHaveLength(9);
        expect(after.some((i) => i.type === 'exception')).toBe(false);
        expect((await copyOf(carol, 'Team sync (moved)', 'exception')).isCancelled).toBe(true);
    });

    test('DELETE by the organizer: 204, item gone, attendee copies cancelled', async () => {
        const reply = await emu.client.delete(`/v1.0/users/${alice}/events/${budget}`);
        expect(reply.status).toBe(204);
        expect(reply.text).toBe('');
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${budget}`)).status).toBe(404);
        expect((await copyOf(bob, 'Budget review')).isCancelled).toBe(true);
    });

    test('DELETE by an attendee removes only their copy', async () => {
        const copy = await copyOf(bob, 'Budget review');
        const reply = await emu.client.delete(`/v1.0/users/${bob}/events/${copy.id}`);
        expect(reply.status).toBe(204);
        expect((await emu.client.get(`/v1.0/users/${bob}/events/${copy.id}`)).status).toBe(404);
        expect((await emu.client.get(`/v1.0/users/${alice}/events/${budget}`)).json.isCancelled).toBe(false);
        expect((await copyOf(carol, 'Budget review')).isCancelled).toBe(false);
    });
});

describe('reads', () => {
    test('instances: both window parameters are required', async () => {
        for (const query of ['', '?startDateTime=2026-01-01T00:00:00', '?endDateTime=2026-01-01T00:00:00']) {
            const reply = await emu.client.get(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}/instances${query}`);
            expect(reply.status).toBe(400);
            expect(errorOf(reply).code).toBe('ErrorInvalidParameter');
        }
        const bad = await emu.client.get(
            `/v1.0/users/${alice}/events/${demoIds.teamSyncId}/instances?startDateTime=soon&endDateTime=later`,
        );
        expect(bad.status).toBe(400);
    });

    test('instances window selects occurrences by time (Graph’s 7-digit fraction accepted)', async () => {
        const d0 = utcMidnight();
        const fmt = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}.0000000`;
        const reply = await emu.client.get(
            `/v1.0/users/${alice}/events/${demoIds.teamSyncId}/instances?startDateTime=${fmt(d0)}&endDateTime=${fmt(d0 + 9 * day)}`,
        );
        const value = reply.json.value as {
            type: string;
            seriesMasterId: string;
            start: { dateTime: string; timeZone: string };
        }[];
        expect(value).toHaveLength(2);
        expect(value.every((v) => v.type === 'occurrence' && v.seriesMasterId === demoIds.teamSyncId)).toBe(true);
        expect(value[0]?.start).toEqual({
            dateTime: `${new Date(d0 + day + 9 * 3_600_000).toISOString().slice(0, 19)}.0000000`,
            timeZone: 'UTC',
        });
        const attendeeMaster = await copyOf(bob, 'Team sync', 'seriesMaster');
        expect(await instances(bob, attendeeMaster.id, d0, d0 + 80 * day)).toHaveLength(10);
    });

    test('$select returns the selected properties plus id and @odata.etag', async () => {
        const reply = await emu.client.get(`/v1.0/users/${alice}/events/${budget}?$select=subject,isCancelled`);
        expect(Object.keys(reply.json).sort()).toEqual([
            '@odata.context',
            '@odata.etag',
            'id',
            'isCancelled',
            'subject',
        ]);
        expect(reply.json.subject).toBe('Budget review');
        const unknown = await emu.client.get(`/v1.0/users/${alice}/events/${budget}?$select=nope`);
        expect(unknown.status).toBe(400);
    });

    test('events list: single instances and series masters; calendar/events only the default calendar', async () => {
        const all = (await emu.client.get(`/v1.0/users/${alice}/events?$select=subject,type`)).json.value as {
            subject: string;
            type: string;
        }[];
        expect(all.map((e) => e.subject).sort()).toEqual([
            'Budget review',
            'Project kickoff',
            'Sales pipeline',
            'Team sync',
        ]);
        const defaultOnly = (await emu.client.get(`/v1.0/users/${alice}/calendar/events`)).json.value as {
            subject: string;
        }[];
        expect(defaultOnly.map((e) => e.subject).sort()).toEqual(['Budget review', 'Sales pipeline', 'Team sync']);
    });

    test('calendarView lists instances in a window', async () => {
        const d0 = utcMidnight();
        const reply = await emu.client.get(
            `/v1.0/users/${alice}/calendarView?startDateTime=${new Date(d0 + day).toISOString()}&endDateTime=${new Date(d0 + 2 * day).toISOString()}`,
        );
        const subjects = (reply.json.value as { subject: string }[]).map((e) => e.subject).sort();
        expect(subjects).toEqual(['Budget review', 'Team sync']);
    });

    test('/me with an app-only token → 400', async () => {
        const reply = await emu.client.post(`/v1.0/me/events/${budget}/cancel`, {});
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('BadRequest');
        expect(errorOf(reply).message).toBe('/me request is only valid with delegated authentication flow.');
    });
});
