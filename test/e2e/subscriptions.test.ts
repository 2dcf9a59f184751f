import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';

const alice = devTenant.users[0];
const scope = 'Subscriptions.ReadWrite.All';

describe('webhook subscriptions API through the gateway', () => {
    const local = useLocalStack();

    const userToken = (scp = [scope]) => local.stack.token({ user: alice.userPrincipalName, scp });
    const call = (method: string, path: string, body?: unknown, token = userToken()) =>
        fetch(path.startsWith('http') ? path : `${local.stack.gatewayUrl}/api/${path}`, {
            method,
            headers: {
                Authorization: `Bearer ${token}`,
                ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    const receiver = 'http://127.0.0.1:9/hooks/cancel-gateway';

    it('create → GET → PATCH disable → rotate → DELETE → 404', async () => {
        const created = await call('POST', 'subscriptions', {
            notificationUrl: receiver,
            eventTypes: ['event.cancelled', 'bookingAppointment.cancelled'],
            clientState: 'flow-42',
            description: 'Ops flow',
        });
        expect(created.status).toBe(201);
        expect(created.headers.get('cache-control')).toBe('no-store');
        const body = (await created.json()) as Record<string, unknown>;
        expect(body).toEqual({
            id: expect.any(String),
            notificationUrl: receiver,
            eventTypes: ['event.cancelled', 'bookingAppointment.cancelled'],
            // A user without the Cancellations.Admin app role: the subscription receives her own cancellations.
            scope: 'owner',
            // No origin filter: every origin (gateway, outlook, bookings).
            origins: null,
            clientState: 'flow-42',
            description: 'Ops flow',
            enabled: true,
            createdDateTime: expect.any(String),
            secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+={0,2}$/),
        });
        expect(Buffer.from((body.secret as string).slice(6), 'base64')).toHaveLength(32);
        const id = body.id as string;
        const location = created.headers.get('location');
        expect(location).toBe(`${local.stack.gatewayUrl}/api/subscriptions/${id}`);

        // The Location is absolute and fetchable as it is.
        const fetched = await call('GET', location!);
        expect(fetched.status).toBe(200);
        const view = (await fetched.json()) as Record<string, unknown>;
        expect(view).toEqual({
            id,
            notificationUrl: receiver,
            eventTypes: ['event.cancelled', 'bookingAppointment.cancelled'],
            origins: null,
            scope: 'owner',
            clientState: 'flow-42',
            description: 'Ops flow',
            enabled: true,
            disabledReason: null,
            createdDateTime: body.createdDateTime,
            lastModifiedDateTime: body.createdDateTime,
        });
        expect(JSON.stringify(view)).not.toContain('whsec_');

        const list = await call('GET', 'subscriptions');
        expect(list.status).toBe(200);
        const listed = (await list.json()) as { value: unknown[] };
        expect(listed.value).toEqual([view]);

        const patched = await call('PATCH', `subscriptions/${id}`, { enabled: false });
        expect(patched.status).toBe(200);
        expect(await patched.json()).toMatchObject({ id, enabled: false, disabledReason: 'manual' });

        const rotated = await call('POST', `subscriptions/${id}/rotateSecret`);
        expect(rotated.status).toBe(200);
        const rotation = (await rotated.json()) as Record<string, unknown>;
        expect(rotation).toEqual({
            secret: expect.stringMatching(/^whsec_/),
            previousSecretExpiresDateTime: expect.any(String),
        });
        expect(rotation.secret).not.toBe(body.secret);
        // WEBHOOK_SECRET_GRACE_HOURS=24 in the local settings.
        const grace = Date.parse(rotation.previousSecretExpiresDateTime as string) - Date.now();
        expect(grace).toBeGreaterThan(23 * 3_600_000);
        expect(grace).toBeLessThanOrEqual(24 * 3_600_000);

        const enabled = await call('PATCH', `subscriptions/${id}`, { enabled: true });
        expect(await enabled.json()).toMatchObject({ enabled: true, disabledReason: null });

        // What a Power Automate trigger does when the flow is turned off: DELETE the Location.
        const deleted = await call('DELETE', location!);
        expect(deleted.status).toBe(204);
        expect(await deleted.text()).toBe('');
        const gone = await call('GET', location!);
        expect(gone.status).toBe(404);
        expect(await gone.json()).toMatchObject({ error: { code: 'itemNotFound' } });
        expect((await call('DELETE', location!)).status).toBe(404);
        expect(await (await call('GET', 'subscriptions')).json()).toEqual({ value: [] });
    });

    it('builds Location from the request URL: the TLS twin answers with an https Location', async () => {
        const created = await call('POST', `${local.stack.gatewayTlsUrl}/api/subscriptions`, {
            notificationUrl: receiver,
            eventTypes: ['cancellation.drifted'],
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: string };
        const location = created.headers.get('location');
        expect(location).toBe(`${local.stack.gatewayTlsUrl}/api/subscriptions/${id}`);
        expect((await call('GET', location!)).status).toBe(200);
    });

    it('accepts an app-only token with the Subscriptions.ReadWrite.All role', async () => {
        const app = local.stack.token({ app: devTenant.callerApp.clientId, roles: [scope] });
        const created = await call(
            'POST',
            'subscriptions',
            { notificationUrl: receiver, eventTypes: ['cancellation.failed'] },
            app,
        );
        expect(created.status).toBe(201);
        expect((await call('GET', 'subscriptions', undefined, app)).status).toBe(200);
    });

    it('answers 403 without the permission and 401 without a token', async () => {
        const other = userToken(['Calendars.ReadWrite']);
        const created = await call(
            'POST',
            'subscriptions',
            { notificationUrl: receiver, eventTypes: ['event.cancelled'] },
            other,
        );
        expect(created.status).toBe(403);
        expect(await created.json()).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
        expect((await call('GET', 'subscriptions', undefined, other)).status).toBe(403);
        // A role on a user token is not a delegated scope.
        const userWithRole = local.stack.token({ user: alice.userPrincipalName, scp: ['User.Read'], roles: [scope] });
        expect((await call('GET', 'subscriptions', undefined, userWithRole)).status).toBe(403);

        const anonymous = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    });

    it.each([
        [
            'ftp URL',
            { notificationUrl: 'ftp://hooks.example.com/x', eventTypes: ['event.cancelled'] },
            'invalidNotificationUrl',
        ],
        ['relative URL', { notificationUrl: '/hooks', eventTypes: ['event.cancelled'] }, 'invalidNotificationUrl'],
        [
            'credentials',
            { notificationUrl: 'https://u:p@hooks.example.com/x', eventTypes: ['event.cancelled'] },
            'invalidNotificationUrl',
        ],
        [
            'fragment',
            { notificationUrl: 'https://hooks.example.com/x#a', eventTypes: ['event.cancelled'] },
            'invalidNotificationUrl',
        ],
        [
            'http to a public host',
            { notificationUrl: 'http://hooks.example.com/x', eventTypes: ['event.cancelled'] },
            'invalidNotificationUrl',
        ],
        ['unknown event type', { notificationUrl: receiver, eventTypes: ['event.created'] }, 'invalidEventTypes'],
        ['no event types', { notificationUrl: receiver, eventTypes: [] }, 'invalidEventTypes'],
        [
            'long clientState',
            { notificationUrl: receiver, eventTypes: ['event.cancelled'], clientState: 'x'.repeat(129) },
            'invalidClientState',
        ],
        [
            'unknown property',
            { notificationUrl: receiver, eventTypes: ['event.cancelled'], resource: 'x' },
            'unknownProperty',
        ],
    ])('answers 400 for %s', async (_name, body, code) => {
        const response = await call('POST', 'subscriptions', body);
        expect(response.status).toBe(400);
        const error = (await response.json()) as { error: { code: string; message: string; innerError: object } };
        expect(error.error).toMatchObject({ code, innerError: { 'request-id': expect.any(String) } });
        expect(error.error.message.length).toBeGreaterThan(10);
    });

    it('answers 400 for a duplicate naming the existing subscription, and for malformed JSON', async () => {
        const first = await call('POST', 'subscriptions', {
            notificationUrl: receiver,
            eventTypes: ['event.cancelled'],
        });
        const { id } = (await first.json()) as { id: string };
        const again = await call('POST', 'subscriptions', {
            notificationUrl: receiver,
            eventTypes: ['cancellation.verified', 'event.cancelled'],
        });
        expect(again.status).toBe(400);
        const error = (await again.json()) as { error: { code: string; message: string } };
        expect(error.error.code).toBe('duplicateSubscription');
        expect(error.error.message).toContain(id);

        const malformed = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${userToken()}`, 'Content-Type': 'application/json' },
            body: '{"notificationUrl":',
        });
        expect(malformed.status).toBe(400);
        const patch = await call('PATCH', `subscriptions/${id}`, { enabled: 'no' });
        expect(patch.status).toBe(400);
        expect(await patch.json()).toMatchObject({ error: { code: 'invalidEnabled' } });
    });

    it('answers 404 for unknown ids on every route', async () => {
        expect((await call('GET', 'subscriptions/nope')).status).toBe(404);
        expect((await call('PATCH', 'subscriptions/nope', { enabled: false })).status).toBe(404);
        expect((await call('DELETE', 'subscriptions/nope')).status).toBe(404);
        expect((await call('POST', 'subscriptions/nope/rotateSecret')).status).toBe(404);
    });
});
