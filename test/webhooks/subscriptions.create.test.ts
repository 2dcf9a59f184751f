import { AppError } from '../../src/errors/appError';
import { notificationEventTypes } from '../../src/domain/notifications/notificationMessage';
import { creator, otherTenantCreator, subscriptionFixture, t0, tenantId, validBody } from './subscriptionFixture';

async function refusal(promise: Promise<unknown>): Promise<AppError> {
    try {
        await promise;
    } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
    }
    throw new Error('expected a refusal');
}

describe('SubscriptionService.create', () => {
    it('stores an enabled subscription with one fresh secret and calls validateTarget last', async () => {
        const f = subscriptionFixture();
        const { subscription, secret } = await f.service.create(creator, {
            ...validBody,
            eventTypes: ['event.cancelled', 'bookingAppointment.cancelled'],
            clientState: 'opaque-state-123',
            description: 'Ops channel',
        });
        expect(subscription).toEqual({
            id: 'sub-1',
            tenantId,
            notificationUrl: validBody.notificationUrl,
            eventTypes: ['event.cancelled', 'bookingAppointment.cancelled'],
            clientState: 'opaque-state-123',
            description: 'Ops channel',
            enabled: true,
            createdAt: t0.toISOString(),
            updatedAt: t0.toISOString(),
            owner: creator.owner,
            scope: 'owner',
            secrets: [{ secret, createdAt: t0.toISOString() }],
        });
        expect(f.targets).toEqual([validBody.notificationUrl]);
        expect((await f.store.get(tenantId, 'sub-1'))?.value).toEqual(subscription);
    });

    it('accepts every known event type and null optional properties', async () => {
        const f = subscriptionFixture();
        const { subscription } = await f.service.create(creator, {
            ...validBody,
            eventTypes: [...notificationEventTypes],
            clientState: null,
            description: null,
        });
        expect(subscription.eventTypes).toEqual(notificationEventTypes);
        expect(subscription.clientState).toBeUndefined();
        expect(subscription.description).toBeUndefined();
    });

    const badUrls: Array<[string, unknown]> = [
        ['http in production mode', 'http://hooks.example.com/x'],
        ['http to loopback in production mode', 'http://127.0.0.1:9000/x'],
        ['ftp', 'ftp://hooks.example.com/x'],
        ['javascript', 'javascript:alert(1)'],
        ['data', 'data:text/plain,hi'],
        ['credentials', 'https://user:pass@hooks.example.com/x'],
        ['a user name only', 'https://user@hooks.example.com/x'],
        ['an empty user info', 'https://@hooks.example.com/x'],
        ['a fragment', 'https://hooks.example.com/x#frag'],
        ['an empty fragment', 'https://hooks.example.com/x#'],
        ['relative', '/api/hooks'],
        ['scheme-relative', '//hooks.example.com/x'],
        ['no scheme', 'hooks.example.com/x'],
        ['too long', 'https://hooks.example.com/' + 'a'.repeat(2048)],
        ['whitespace', ' https://hooks.example.com/x'],
        ['an inner newline', 'https://hooks.example.com/a\nb'],
        ['a backslash', 'https://hooks.example.com\\@evil.test/x'],
        ['empty', ''],
        ['a number', 42],
        ['missing', undefined],
    ];
    it.each(badUrls)('refuses a notificationUrl with %s', async (_name, notificationUrl) => {
        const f = subscriptionFixture();
        const body: Record<string, unknown> = { eventTypes: ['event.cancelled'] };
        if (notificationUrl !== undefined) body.notificationUrl = notificationUrl;
        const error = await refusal(f.service.create(creator, body));
        expect(error).toMatchObject({ status: 400, code: 'invalidNotificationUrl' });
        expect(error.message).toMatch(/notificationUrl/);
        expect(f.targets).toEqual([]);
        expect(f.store.rows.size).toBe(0);
    });

    it('accepts a URL of exactly 2048 characters', async () => {
        const f = subscriptionFixture();
        const url = 'https://hooks.example.com/';
        const notificationUrl = url + 'a'.repeat(2048 - url.length);
        await expect(f.service.create(creator, { ...validBody, notificationUrl })).resolves.toBeDefined();
    });

    it('accepts http to loopback only when allowLoopback is set, and still not to other hosts', async () => {
        const dev = subscriptionFixture({ allowLoopback: true });
        for (const url of ['http://127.0.0.1:9000/hook', 'http://localhost:8080/a', 'http://[::1]:81/b']) {
            await expect(
                dev.service.create(creator, { notificationUrl: url, eventTypes: ['cancellation.failed'] }),
            ).resolves.toBeDefined();
        }
        const error = await refusal(
            dev.service.create(creator, { ...validBody, notificationUrl: 'http://hooks.example.com/x' }),
        );
        expect(error).toMatchObject({ status: 400, code: 'invalidNotificationUrl' });
        expect(error.message).toMatch(/loopback/);
    });

    it('keeps query strings (Power Automate callback URLs are signed with them)', async () => {
        const f = subscriptionFixture();
        const notificationUrl =
            'https://prod-01.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig=Xy_z-0';
        const { subscription } = await f.service.create(creator, { ...validBody, notificationUrl });
        expect(subscription.notificationUrl).toBe(notificationUrl);
    });

    const badEventTypes: Array<[string, unknown, RegExp]> = [
        ['missing', undefined, /non-empty array/],
        ['empty', [], /non-empty array/],
        ['not an array', 'event.cancelled', /non-empty array/],
        ['unknown', ['event.created'], /Unknown event type 'event\.created'/],
        ['a wildcard', ['*'], /Unknown event type '\*'/],
        ['wrong case', ['Event.Cancelled'], /Unknown event type/],
        ['a number', [1], /Unknown event type number 1/],
        ['null', [null], /Unknown event type null/],
        ['an object', [{ type: 'event.cancelled' }], /Unknown event type an object/],
        // Deeper than JSON.stringify's stack: this once escaped as a 500.
        ['an array nested 10,000 deep', [JSON.parse('['.repeat(10_000) + ']'.repeat(10_000))], /an array/],
        ['duplicated', ['event.cancelled', 'event.cancelled'], /more than once/],
    ];
    it.each(badEventTypes)('refuses eventTypes that are %s', async (_name, eventTypes, message) => {
        const f = subscriptionFixture();
        const error = await refusal(
            f.service.create(creator, { notificationUrl: validBody.notificationUrl, eventTypes }),
        );
        expect(error).toMatchObject({ status: 400, code: 'invalidEventTypes' });
        expect(error.message).toMatch(message);
    });

    const badOptional: Array<[string, Record<string, unknown>, string]> = [
        ['a 129-character clientState', { clientState: 'x'.repeat(129) }, 'invalidClientState'],
        ['an empty clientState', { clientState: '' }, 'invalidClientState'],
        ['a clientState with a newline', { clientState: 'a\nb' }, 'invalidClientState'],
        ['a non-ASCII clientState', { clientState: 'état' }, 'invalidClientState'],
        ['a numeric clientState', { clientState: 12 }, 'invalidClientState'],
        ['a 257-character description', { description: 'd'.repeat(257) }, 'invalidDescription'],
        ['a description with a control character', { description: 'a\u0007b' }, 'invalidDescription'],
        ['an object description', { description: {} }, 'invalidDescription'],
        ['an unknown property', { secret: 'whsec_mine' }, 'unknownProperty'],
        ['a misspelled property', { notificationURL: 'https://x.example' }, 'unknownProperty'],
    ];
    it.each(badOptional)('refuses %s', async (_name, extra, code) => {
        const f = subscriptionFixture();
        const error = await refusal(f.service.create(creator, { ...validBody, ...extra }));
        expect(error).toMatchObject({ status: 400, code });
        expect(f.store.rows.size).toBe(0);
    });

    it('accepts the longest clientState and description', async () => {
        const f = subscriptionFixture();
        const { subscription } = await f.service.create(creator, {
            ...validBody,
            clientState: '~'.repeat(128),
            description: 'é'.repeat(256),
        });
        expect(subscription.clientState).toHaveLength(128);
    });

    it('refuses a duplicate (same URL, overlapping event types) naming the existing subscription', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, {
            ...validBody,
            eventTypes: ['event.cancelled', 'cancellation.failed'],
        });
        const error = await refusal(
            f.service.create(creator, {
                notificationUrl: 'HTTPS://Hooks.Example.com:443/cancel-gateway',
                eventTypes: ['cancellation.failed', 'cancellation.verified'],
            }),
        );
        expect(error).toMatchObject({ status: 400, code: 'duplicateSubscription' });
        expect(error.message).toContain("'sub-1'");
        expect(error.message).toContain('cancellation.failed');
        expect(f.targets).toHaveLength(1);
    });

    it('counts a disabled subscription as a duplicate too', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        await f.service.disable(creator, 'sub-1');
        await expect(f.service.create(creator, validBody)).rejects.toMatchObject({
            code: 'duplicateSubscription',
        });
    });

    it('allows the same URL for other event types, another URL, and another tenant', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        await f.service.create(creator, { ...validBody, eventTypes: ['bookingAppointment.cancelled'] });
        await f.service.create(creator, { ...validBody, notificationUrl: 'https://hooks.example.com/other' });
        await f.service.create(otherTenantCreator, validBody);
        expect(f.store.rows.size).toBe(4);
    });

    it('passes a refusal of validateTarget through and stores nothing', async () => {
        const f = subscriptionFixture();
        f.refuseTargets('hooks.example.com resolves to a private address (10.0.0.5).');
        await expect(f.service.create(creator, validBody)).rejects.toMatchObject({
            status: 400,
            code: 'notificationUrlNotAllowed',
            message: expect.stringContaining('10.0.0.5'),
        });
        expect(f.store.rows.size).toBe(0);
    });

    it('caps the subscriptions of one tenant', async () => {
        const f = subscriptionFixture({ maxPerTenant: 2 });
        await f.service.create(creator, { ...validBody, notificationUrl: 'https://a.example.com/' });
        await f.service.create(creator, { ...validBody, notificationUrl: 'https://b.example.com/' });
        await expect(
            f.service.create(creator, { ...validBody, notificationUrl: 'https://c.example.com/' }),
        ).rejects.toMatchObject({ status: 400, code: 'subscriptionLimitReached' });
        await expect(f.service.create(otherTenantCreator, validBody)).resolves.toBeDefined();
    });
});
