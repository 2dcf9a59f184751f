import { devTenant } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';
import { appToken, alice, bob, Client, enc, errorOf, useEmulator } from './helpers';
import { GraphReceiver } from './graphReceiver';
import { inMinutes, subscribe } from './feedFixture';

const t = useEmulator();
let receiver: GraphReceiver;

beforeAll(async () => {
    receiver = await GraphReceiver.start();
});
afterAll(async () => {
    await receiver.close();
});
beforeEach(() => receiver.clear());

function body(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        changeType: 'updated,deleted',
        notificationUrl: receiver.url('/n'),
        resource: `/users/${enc(alice)}/events`,
        expirationDateTime: inMinutes(60),
        clientState: 'state-1',
        ...extra,
    };
}

describe('subscriptions on a mailbox’s events', () => {
    it('creates after the validation handshake, reads, lists, renews and deletes', async () => {
        const created = await t.client.post(
            '/v1.0/subscriptions',
            body({ lifecycleNotificationUrl: receiver.url('/l') }),
        );
        expect(created.status).toBe(201);
        expect(created.json).toMatchObject({
            '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity',
            resource: `/users/${enc(alice)}/events`,
            changeType: 'updated,deleted',
            clientState: 'state-1',
            notificationUrl: receiver.url('/n'),
            lifecycleNotificationUrl: receiver.url('/l'),
            applicationId: devTenant.gatewayGraphClient.clientId,
        });
        // Both URLs got the handshake: a POST with the token in the query string, as text/plain.
        expect(receiver.validations.map((v) => v.path)).toEqual(['/n', '/l']);
        expect(receiver.validations[0]?.contentType).toMatch(/^text\/plain/);
        const id = created.json.id as string;

        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).json.id).toBe(id);
        const listed = await t.client.get('/v1.0/subscriptions');
        expect((listed.json.value as { id: string }[]).map((s) => s.id)).toEqual([id]);

        const later = inMinutes(4000);
        const renewed = await t.client.call('PATCH', `/v1.0/subscriptions/${id}`, { expirationDateTime: later });
        expect(renewed.status).toBe(200);
        expect(Date.parse(renewed.json.expirationDateTime as string)).toBe(Date.parse(later));

        expect((await t.client.delete(`/v1.0/subscriptions/${id}`)).status).toBe(204);
        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).status).toBe(404);
    });

    it('accepts me/events for a delegated token and created among the change types', async () => {
        const delegated = new Client(
            t.emulator,
            mintToken({
                user: bob,
                scp: ['Calendars.Read'],
                audience: 'https://graph.microsoft.com',
                clientId: devTenant.gatewayGraphClient.clientId,
            }),
        );
        const reply = await delegated.post(
            '/v1.0/subscriptions',
            body({ resource: 'me/events', changeType: 'created,updated,deleted' }),
        );
        expect(reply.status).toBe(201);
        expect(reply.json.creatorId).not.toBe(reply.json.applicationId);
    });

    it('belongs to the app that created it: another app neither lists nor reads it', async () => {
        const { id } = await subscribe(t.client, receiver, alice, 'mine');
        const other = new Client(t.emulator, appToken(undefined, { app: '0f0f0f0f-1111-4222-8333-444444444444' }));
        expect((await other.get('/v1.0/subscriptions')).json.value).toEqual([]);
        expect((await other.get(`/v1.0/subscriptions/${id}`)).status).toBe(404);
        expect((await other.delete(`/v1.0/subscriptions/${id}`)).status).toBe(404);
        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).status).toBe(200);
    });

    it.each([
        ['a non-200 answer', { status: 500 }, 'must respond with 200 OK'],
        ['a different token', 'wrongToken' as const, 'must exactly match validationToken'],
    ])('refuses the subscription when the handshake gets %s', async (_what, answer, message) => {
        receiver.answerValidation('/n', answer);
        const reply = await t.client.post('/v1.0/subscriptions', body());
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ValidationError');
        expect(errorOf(reply).message).toContain(message);
        expect((await t.client.get('/v1.0/subscriptions')).json.value).toEqual([]);
    });

    it('validates the lifecycle URL too, and refuses when it fails', async () => {
        receiver.answerValidation('/l', { status: 404 });
        const reply = await t.client.post(
            '/v1.0/subscriptions',
            body({ lifecycleNotificationUrl: receiver.url('/l') }),
        );
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ValidationError');
    });

    it('refuses a receiver that cannot be reached', async () => {
        const reply = await t.client.post('/v1.0/subscriptions', body({ notificationUrl: 'https://localhost:1/n' }));
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ValidationError');
    });

    it('takes an expiration up to 10,080 minutes ahead and refuses one beyond or in the past', async () => {
        expect(
            (await t.client.post('/v1.0/subscriptions', body({ expirationDateTime: inMinutes(10_079) }))).status,
        ).toBe(201);
        const beyond = await t.client.post('/v1.0/subscriptions', body({ expirationDateTime: inMinutes(10_090) }));
        expect(beyond.status).toBe(400);
        expect(errorOf(beyond)).toMatchObject({
            code: 'ExtensionError',
            message: 'Subscription expiration can only be 10080 minutes in the future.',
        });
        const past = await t.client.post('/v1.0/subscriptions', body({ expirationDateTime: inMinutes(-1) }));
        expect(past.status).toBe(400);
        expect(errorOf(past).code).toBe('ExtensionError');
        const { id } = await subscribe(t.client, receiver, alice, 'renew');
        const renewBeyond = await t.client.call('PATCH', `/v1.0/subscriptions/${id}`, {
            expirationDateTime: inMinutes(20_000),
        });
        expect(renewBeyond.status).toBe(400);
    });

    it.each([
        ['an http notificationUrl', { notificationUrl: 'http://localhost/n' }],
        ['a clientState over 128 characters', { clientState: 'x'.repeat(129) }],
        ['an unknown change type', { changeType: 'updated,renamed' }],
        ['an unsupported resource', { resource: '/users/alice@contoso.test/messages' }],
        ['no expirationDateTime', { expirationDateTime: undefined }],
    ])('refuses %s with a 400', async (_what, extra) => {
        const reply = await t.client.post('/v1.0/subscriptions', body(extra));
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toEqual(expect.any(String));
        expect(receiver.validations).toEqual([]);
    });

    it('answers 404 for an unknown mailbox and 403 without a calendar permission', async () => {
        const unknown = await t.client.post(
            '/v1.0/subscriptions',
            body({ resource: '/users/nobody@contoso.test/events' }),
        );
        expect(unknown.status).toBe(404);
        const noCalendar = new Client(t.emulator, appToken(['User.Read.All']));
        expect((await noCalendar.post('/v1.0/subscriptions', body())).status).toBe(403);
    });

    it('counts an expired subscription as gone (emulator clock)', async () => {
        const { id } = await subscribe(t.client, receiver, alice, 'expiring');
        await t.client.admin('POST', '/clock/advance', { ms: 61 * 60_000 });
        expect((await t.client.get(`/v1.0/subscriptions/${id}`)).status).toBe(404);
        expect((await t.client.admin('GET', '/subscriptions')).json.value).toEqual([]);
    });
});
