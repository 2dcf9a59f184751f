import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { newSigningKey } from '../../dev/identity/signingKeys';
import { mintToken } from '../../dev/identity/mintToken';
import { alice, appToken, bob, carol, Client, errorOf, useEmulator } from './helpers';

const emu = useEmulator({ resetEachTest: false });
const eventPath = `/v1.0/users/${alice}/events/${demoIds.budgetReviewId}`;

async function withToken(token: string | undefined, path = eventPath) {
    const c = new Client(emu.emulator);
    c.token = token;
    return c.get(path);
}

describe('401 InvalidAuthenticationToken', () => {
    test('no token → "Access token is empty." with WWW-Authenticate', async () => {
        const reply = await withToken(undefined);
        expect(reply.status).toBe(401);
        expect(errorOf(reply)).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });

    test.each([
        ['not a JWT', () => 'garbage'],
        ['bad signature', () => appToken(undefined, { key: newSigningKey() })],
        ['wrong audience', () => appToken(undefined, { audience: devTenant.gatewayApi.appIdUri })],
        ['expired', () => appToken(undefined, { expiresInSeconds: -600 })],
        ['not yet valid', () => appToken(undefined, { notBeforeSeconds: 600 })],
        ['unknown tenant', () => appToken(undefined, { tenantId: '00000000-0000-0000-0000-00000000beef' })],
    ])('%s', async (_name, token) => {
        const reply = await withToken(token());
        expect(reply.status).toBe(401);
        expect(errorOf(reply).code).toBe('InvalidAuthenticationToken');
    });

    test('tampered payload fails signature validation', async () => {
        const [h, p, s] = appToken(['Calendars.Read']).split('.');
        const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
        claims.roles = ['Calendars.ReadWrite'];
        const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
        expect((await withToken(forged)).status).toBe(401);
    });

    test('v2-format and Graph app-id audience tokens are accepted', async () => {
        expect((await withToken(appToken(undefined, { version: 2 }))).status).toBe(200);
        expect(
            (await withToken(appToken(undefined, { audience: '00000003-0000-0000-c000-000000000000' }))).status,
        ).toBe(200);
    });
});

describe('403 when roles do not cover the call', () => {
    test('events read needs Calendars.Read(Write); cancel needs Calendars.ReadWrite', async () => {
        const none = await withToken(appToken(['User.Read.All']));
        expect(none.status).toBe(403);
        expect(errorOf(none)).toMatchObject({
            code: 'ErrorAccessDenied',
            message: 'Access is denied. Check credentials and try again.',
        });
        const reader = new Client(emu.emulator, appToken(['Calendars.Read']));
        expect((await reader.get(eventPath)).status).toBe(200);
        const cancel = await reader.post(`${eventPath}/cancel`, {});
        expect(cancel.status).toBe(403);
        expect((await reader.delete(eventPath)).status).toBe(403);
        expect((await emu.client.get(eventPath)).status).toBe(200);
    });

    test('directory calls → Authorization_RequestDenied', async () => {
        const calendarsOnly = new Client(emu.emulator, appToken(['Calendars.ReadWrite']));
        const user = await calendarsOnly.get(`/v1.0/users/${alice}`);
        expect(user.status).toBe(403);
        expect(errorOf(user).code).toBe('Authorization_RequestDenied');
        expect((await calendarsOnly.get(`/v1.0/groups/${demoIds.salesGroupId}/members`)).status).toBe(403);
        const directoryReader = new Client(emu.emulator, appToken(['Directory.Read.All']));
        expect((await directoryReader.get(`/v1.0/users/${alice}`)).status).toBe(200);
    });

    test('/me with an app token → 400 before any role check', async () => {
        const reply = await emu.client.get('/v1.0/me/events');
        expect(reply.status).toBe(400);
        expect(errorOf(reply).message).toBe('/me request is only valid with delegated authentication flow.');
    });
});

describe('directory', () => {
    test('GET /users/{id|upn} with $select', async () => {
        const byUpn = await emu.client.get(`/v1.0/users/${alice.toUpperCase()}?$select=id,displayName`);
        expect(byUpn.status).toBe(200);
        expect(byUpn.json).toEqual({
            '@odata.context': expect.stringContaining('$metadata#users(id,displayName)/$entity') as unknown,
            id: devTenant.users[0].id,
            displayName: 'Alice Adams',
        });
        const byId = await emu.client.get(`/v1.0/users/${devTenant.users[1].id}`);
        expect(byId.json.userPrincipalName).toBe(bob);
        const missing = await emu.client.get('/v1.0/users/nobody@contoso.test');
        expect(missing.status).toBe(404);
        expect(errorOf(missing).code).toBe('Request_ResourceNotFound');
    });

    test('GET /groups/{id} and /members?$select=id,userPrincipalName', async () => {
        const group = await emu.client.get(`/v1.0/groups/${demoIds.salesGroupId}`);
        expect(group.json.displayName).toBe('Sales');
        const members = await emu.client.get(
            `/v1.0/groups/${demoIds.salesGroupId}/members?$select=id,userPrincipalName`,
        );
        expect(members.json.value).toEqual([
            { '@odata.type': '#microsoft.graph.user', id: devTenant.users[0].id, userPrincipalName: alice },
            { '@odata.type': '#microsoft.graph.user', id: devTenant.users[1].id, userPrincipalName: bob },
        ]);
    });

    test('POST /users/{id}/checkMemberGroups', async () => {
        const unknownGroup = '00000000-0000-4000-8000-000000000999';
        const member = await emu.client.post(`/v1.0/users/${bob}/checkMemberGroups`, {
            groupIds: [demoIds.salesGroupId, unknownGroup],
        });
        expect(member.status).toBe(200);
        expect(member.json.value).toEqual([demoIds.salesGroupId]);
        const notMember = await emu.client.post(`/v1.0/users/${carol}/checkMemberGroups`, {
            groupIds: [demoIds.salesGroupId],
        });
        expect(notMember.json.value).toEqual([]);
        const bad = await emu.client.post(`/v1.0/users/${carol}/checkMemberGroups`, { groupIds: 'x' });
        expect(bad.status).toBe(400);
    });
});

describe('delegated tokens', () => {
    test('scopes count like roles; /me is the signed-in user; other mailboxes are 403', async () => {
        const token = mintToken({ user: alice, scp: ['Calendars.ReadWrite'], audience: 'https://graph.microsoft.com' });
        const me = new Client(emu.emulator, token);
        expect((await me.get(`/v1.0/me/events/${demoIds.budgetReviewId}`)).json.subject).toBe('Budget review');
        expect((await me.get(`/v1.0/users/${bob}/events`)).status).toBe(403);
        expect((await me.post(`/v1.0/me/calendar/events/${demoIds.budgetReviewId}/cancel`, {})).status).toBe(202);
        expect((await me.get(`/v1.0/me/events/${demoIds.budgetReviewId}`)).status).toBe(404);
    });
});
