import { type Fixture } from '../../dev/graph-emulator/fixture';
import { devTenant } from '../../dev/identity/devTenant';
import { alice, bob, enc, errorOf, useEmulator } from './helpers';

const emu = useEmulator({ resetEachTest: false });

/** alice organizes five meetings with bob and two appointments alone. */
function fixture(): Fixture {
    const [a, b] = devTenant.users;
    const at = (n: number) => `2030-01-${String(7 + n).padStart(2, '0')}T09:00:00Z`;
    const till = (n: number) => `2030-01-${String(7 + n).padStart(2, '0')}T10:00:00Z`;
    return {
        tenantId: devTenant.tenantId,
        users: [
            { ...a, mail: a.userPrincipalName },
            { ...b, mail: b.userPrincipalName },
        ],
        events: [
            ...[0, 1, 2, 3, 4].map((n) => ({
                id: `AAMkADmeeting-${n}=`,
                subject: `Meeting ${n}`,
                organizer: alice,
                start: at(n),
                end: till(n),
                attendees: [bob],
            })),
            ...[5, 6].map((n) => ({
                id: `AAMkADalone-${n}=`,
                subject: `Alone ${n}`,
                organizer: alice,
                start: at(n),
                end: till(n),
            })),
        ],
    };
}

beforeEach(async () => {
    await emu.client.reset(fixture());
    const set = await emu.client.admin('PUT', '/faults', { rules: [], sendingLimit: { messagesPerMinute: 2 } });
    expect(set.json.sendingLimit).toEqual({ messagesPerMinute: 2 });
});

const cancel = (n: number) => emu.client.post(`/v1.0/users/${alice}/events/AAMkADmeeting-${n}=/cancel`, {});
const advance = (ms: number) => emu.client.admin('POST', '/clock/advance', { ms });

describe('per-mailbox sending limit (messages per minute, on the emulator clock)', () => {
    test('over the limit a cancel is refused with 429 and Retry-After, and nothing is cancelled', async () => {
        expect((await cancel(0)).status).toBe(202);
        await advance(20_000);
        expect((await cancel(1)).status).toBe(202);
        const refused = await cancel(2);
        expect(refused.status).toBe(429);
        expect(errorOf(refused).code).toBe('ApplicationThrottled');
        expect(refused.headers.get('retry-after')).toBe('40');
        expect((await emu.client.get(`/v1.0/users/${alice}/events/AAMkADmeeting-2=`)).status).toBe(200);
        await advance(39_000);
        expect((await cancel(2)).status).toBe(429);
        await advance(1_000);
        expect((await cancel(2)).status).toBe(202);
        expect((await cancel(3)).status).toBe(429);
    });

    test('the organizer’s DELETE of a meeting counts; appointments without attendees send nothing', async () => {
        expect((await emu.client.delete(`/v1.0/users/${alice}/events/AAMkADmeeting-0=`)).status).toBe(204);
        for (const n of [5, 6]) {
            expect((await emu.client.post(`/v1.0/users/${alice}/events/AAMkADalone-${n}=/cancel`, {})).status).toBe(
                202,
            );
        }
        expect((await cancel(1)).status).toBe(202);
        expect((await cancel(2)).status).toBe(429);
    });

    test('a series-ending PATCH counts as a message', async () => {
        await emu.client.reset();
        await emu.client.admin('PUT', '/faults', { sendingLimit: { messagesPerMinute: 1 } });
        const endOn = (days: number) => ({
            recurrence: {
                range: {
                    type: 'endDate',
                    endDate: new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10),
                },
            },
        });
        const teamSync = 'AAMkADdemo-team-sync-alice=';
        const first = await emu.client.call('PATCH', `/v1.0/users/${alice}/events/${teamSync}`, endOn(30));
        expect(first.status).toBe(200);
        const second = await emu.client.call('PATCH', `/v1.0/users/${alice}/events/${teamSync}`, endOn(10));
        expect(second.status).toBe(429);
        // A categories-only PATCH sends nothing.
        expect(
            (await emu.client.call('PATCH', `/v1.0/users/${alice}/events/${teamSync}`, { categories: ['x'] })).status,
        ).toBe(200);
    });

    test("a decline with sendResponse counts against the attendee's mailbox, not the organizer's", async () => {
        const copies = (await emu.client.mailbox(bob)).map((i) => i.id);
        const decline = (id: string, sendResponse: boolean) =>
            emu.client.post(`/v1.0/users/${bob}/events/${enc(id)}/decline`, { sendResponse });
        expect((await decline(copies[0] ?? '', false)).status).toBe(202);
        expect((await decline(copies[1] ?? '', true)).status).toBe(202);
        expect((await decline(copies[2] ?? '', true)).status).toBe(202);
        const refused = await decline(copies[3] ?? '', true);
        expect(refused.status).toBe(429);
        expect((await emu.client.mailbox(bob)).find((i) => i.id === copies[3])?.response).toBe('none');
        // alice's budget is untouched by bob's messages.
        expect((await cancel(0)).status).toBe(202);
        expect((await cancel(1)).status).toBe(202);
    });

    test('counts inside $batch too; DELETE /_emulator/faults switches the limit off', async () => {
        const batch = await emu.client.post('/v1.0/$batch', {
            requests: [0, 1, 2].map((n) => ({
                id: String(n),
                method: 'POST',
                url: `/users/${alice}/events/AAMkADmeeting-${n}=/cancel`,
                headers: { 'Content-Type': 'application/json' },
                body: {},
                ...(n > 0 ? { dependsOn: [String(n - 1)] } : {}),
            })),
        });
        const statuses = (batch.json.responses as { id: string; status: number }[]).map((r) => r.status);
        expect(statuses).toEqual([202, 202, 429]);
        expect((await emu.client.admin('DELETE', '/faults')).status).toBe(204);
        expect((await emu.client.admin('GET', '/faults')).json.sendingLimit).toBeNull();
        expect((await cancel(2)).status).toBe(202);
    });

    test('bad settings → 400', async () => {
        const bad = await emu.client.admin('PUT', '/faults', { sendingLimit: { messagesPerMinute: 0 } });
        expect(bad.status).toBe(400);
        expect((await emu.client.admin('POST', '/clock/advance', { ms: -1 })).status).toBe(400);
    });
});
