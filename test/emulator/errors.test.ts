import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { type Fixture } from '../../dev/graph-emulator/fixture';
import { alice, appToken, Client, errorOf, useEmulator } from './helpers';

const emu = useEmulator();
const cancelPath = `/v1.0/users/${alice}/events/${demoIds.budgetReviewId}/cancel`;

function expectEnvelope(reply: Awaited<ReturnType<Client['get']>>): void {
    const error = errorOf(reply);
    expect(typeof error.code).toBe('string');
    expect(typeof error.message).toBe('string');
    expect(error.innerError['request-id']).toBe(reply.headers.get('request-id'));
    expect(error.innerError['client-request-id']).toBe(reply.headers.get('client-request-id'));
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
}

describe('bad input gets Graph-style errors', () => {
    test('malformed JSON → 400', async () => {
        const reply = await emu.client.post(cancelPath, '{"comment": ', { 'Content-Type': 'application/json' });
        expect(reply.status).toBe(400);
        expectEnvelope(reply);
        expect(errorOf(reply).message).toMatch(/^Unable to read JSON request payload/);
    });

    test('wrong content type → 415; JSON that is not an object → 400', async () => {
        const text = await emu.client.post(cancelPath, 'comment=hi', { 'Content-Type': 'text/plain' });
        expect(text.status).toBe(415);
        expectEnvelope(text);
        const array = await emu.client.post(cancelPath, '["x"]', { 'Content-Type': 'application/json' });
        expect(array.status).toBe(400);
        expect((await emu.client.get(cancelPath.replace('/cancel', ''))).status).toBe(200);
    });

    test('unknown segment → 400 "Resource not found for the segment"', async () => {
        const reply = await emu.client.get(`/v1.0/users/${alice}/widgets`);
        expect(reply.status).toBe(400);
        expectEnvelope(reply);
        expect(errorOf(reply)).toMatchObject({
            code: 'BadRequest',
            message: "Resource not found for the segment 'widgets'.",
        });
        const top = await emu.client.get('/v1.0/widgets');
        expect(errorOf(top).message).toBe("Resource not found for the segment 'widgets'.");
        const extra = await emu.client.post(`${cancelPath}/now`, {});
        expect(extra.status).toBe(400);
    });

    test('unknown version → 400 "Invalid version"', async () => {
        const reply = await emu.client.get('/v2.0/users');
        expect(reply.status).toBe(400);
        expect(errorOf(reply).message).toBe('Invalid version: v2.0');
    });

    test('wrong method → 405 with Allow', async () => {
        const reply = await emu.client.call('PUT', cancelPath, {});
        expect(reply.status).toBe(405);
        expectEnvelope(reply);
        expect(reply.headers.get('allow')).toBe('POST');
        const get = await emu.client.get(cancelPath);
        expect(get.status).toBe(405);
        const put = await emu.client.call('PUT', `/v1.0/users/${alice}/events/${demoIds.budgetReviewId}`, {});
        expect(put.status).toBe(405);
        expect(put.headers.get('allow')).toBe('GET, DELETE, PATCH');
    });

    test('oversized body → 413', async () => {
        const big = JSON.stringify({ comment: 'x'.repeat(5 * 1024 * 1024) });
        const reply = await emu.client.post(cancelPath, big, { 'Content-Type': 'application/json' });
        expect(reply.status).toBe(413);
        expectEnvelope(reply);
        expect((await emu.client.get(cancelPath.replace('/cancel', ''))).status).toBe(200);
    });

    test('odd paths and encodings never crash the emulator', async () => {
        for (const oddPath of [
            '/v1.0/users/%E0%A4%A/events',
            '/v1.0//users//',
            '//v1.0/users',
            '/v1.0/users/%2F/events/%2F',
            '/v1.0/users/a/events/%00/cancel',
            '/_emulator/nope',
            '/',
        ]) {
            const reply = await emu.client.get(oddPath);
            expect(reply.status).toBeLessThan(500);
            if (reply.status >= 400) expect(typeof errorOf(reply).code).toBe('string');
        }
        expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(200);
    });
});

describe('admin reset', () => {
    const fixture: Fixture = {
        tenantId: 'f1x70000-0000-4000-8000-000000000001',
        users: [
            { id: 'u1', userPrincipalName: 'dana@fabrikam.test', displayName: 'Dana' },
            { id: 'u2', userPrincipalName: 'eli@fabrikam.test', displayName: 'Eli' },
        ],
        events: [
            {
                id: 'AAMkADfixture-standup=',
                subject: 'Standup',
                organizer: 'dana@fabrikam.test',
                start: '2030-01-07T09:00:00Z',
                end: '2030-01-07T09:15:00Z',
                attendees: ['eli@fabrikam.test', { address: 'guest@outside.test', name: 'Guest', type: 'optional' }],
                recurrence: { pattern: 'weekly', numberOfOccurrences: 3 },
            },
        ],
        bookingBusinesses: [
            {
                id: 'shop@fabrikam.test',
                displayName: 'Shop',
                staffMembers: [{ displayName: 'Dana', emailAddress: 'dana@fabrikam.test', role: 'scheduler' }],
                appointments: [
                    {
                        id: 'AAMkADfixture-appt=',
                        serviceName: 'Fitting',
                        start: '2030-01-08T10:00:00Z',
                        end: '2030-01-08T11:00:00Z',
                        staff: ['dana@fabrikam.test'],
                        customers: [{ name: 'Kim', emailAddress: 'kim@example.test', phone: '555' }],
                    },
                ],
            },
        ],
    };

    test('a custom fixture replaces the tenant', async () => {
        const reply = await emu.client.admin('POST', '/reset', fixture);
        expect(reply.status).toBe(200);
        // Tokens must now be for the fixture's tenant.
        expect((await emu.client.get('/v1.0/users/dana@fabrikam.test')).status).toBe(401);
        const fixtureClient = new Client(emu.emulator, appToken(undefined, { tenantId: fixture.tenantId }));
        const series = await fixtureClient.get(
            '/v1.0/users/dana@fabrikam.test/events/AAMkADfixture-standup=/instances?startDateTime=2030-01-01T00:00:00&endDateTime=2030-02-01T00:00:00',
        );
        expect((series.json.value as unknown[]).length).toBe(3);
        const eliItems = (await emu.client.admin('GET', '/mailboxes/eli@fabrikam.test/events')).json.value as {
            isOrganizer: boolean;
        }[];
        expect(eliItems).toHaveLength(4);
        expect(eliItems.every((i) => !i.isOrganizer)).toBe(true);
        expect(
            (
                await fixtureClient.get(
                    '/v1.0/solutions/bookingBusinesses/shop%40fabrikam.test/appointments/AAMkADfixture-appt=',
                )
            ).status,
        ).toBe(200);
        expect((await fixtureClient.get(`/v1.0/users/${alice}`)).status).toBe(404);
        const demo = await emu.client.admin('POST', '/reset');
        expect(demo.status).toBe(200);
        expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(200);
    });

    test('a bad fixture → 400 with the zod issues, and the old tenant stays', async () => {
        const reply = await emu.client.admin('POST', '/reset', { tenantId: 'x', users: [{ id: 'u1' }], extra: true });
        expect(reply.status).toBe(400);
        const details = (reply.json.error as { details: { target: string; message: string }[] }).details;
        expect(details.map((d) => d.target)).toEqual(
            expect.arrayContaining(['users.0.userPrincipalName', 'users.0.displayName']),
        );
        const badRef = await emu.client.admin('POST', '/reset', {
            ...fixture,
            events: [{ ...fixture.events?.[0], organizer: 'ghost@fabrikam.test' }],
        });
        expect(badRef.status).toBe(400);
        expect((badRef.json.error as { details: { target: string }[] }).details[0]?.target).toBe('events.0.organizer');
        const notJson = await emu.client.call('POST', '/_emulator/reset', '{', { 'Content-Type': 'application/json' });
        expect(notJson.status).toBe(400);
        expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(200);
    });

    test('the example fixture in docs/emulator.md is valid', async () => {
        const doc = fs.readFileSync(path.join(__dirname, '../../docs/emulator.md'), 'utf8');
        const block = /## Fixture format[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
        expect(block).toBeDefined();
        const reply = await emu.client.admin('POST', '/reset', JSON.parse(block ?? '{}'));
        expect(reply.status).toBe(200);
        expect(reply.json).toMatchObject({ users: 2, groups: 1, bookingBusinesses: 1 });
        const items = (await emu.client.admin('GET', '/mailboxes/eli@fabrikam.test/events')).json.value as {
            type: string;
        }[];
        expect(items.filter((i) => i.type === 'exception')).toHaveLength(1);
    });

    test('reset also clears faults and the request log', async () => {
        await emu.client.admin('PUT', '/faults', [{ path: '/', status: 503 }]);
        expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(503);
        await emu.client.reset();
        expect((await emu.client.get(`/v1.0/users/${alice}`)).status).toBe(200);
        expect(((await emu.client.admin('GET', '/requests')).json.value as unknown[]).length).toBe(1);
    });
});
