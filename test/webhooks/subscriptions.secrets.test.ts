import { Webhook } from 'standardwebhooks';
import { activeSecrets, maxActiveSecrets } from '../../src/domain/webhooks/signingSecret';
import { signingKey } from '../../src/domain/webhooks/signature';
import { creator, hour, subscriptionFixture, t0, tenantId, validBody } from './subscriptionFixture';

const whsec = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

describe('signing secrets', () => {
    it('is whsec_ + base64 of 32 random bytes, and unique per subscription', async () => {
        const f = subscriptionFixture();
        const secrets = new Set<string>();
        for (let i = 0; i < 20; i++) {
            const { secret } = await f.service.create(creator, {
                ...validBody,
                notificationUrl: `https://hooks.example.com/${i}`,
            });
            expect(secret).toMatch(whsec);
            const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
            expect(bytes).toHaveLength(32);
            expect(Buffer.from(bytes).toString('base64')).toBe(secret.slice('whsec_'.length));
            expect(signingKey(secret)).toEqual(bytes);
            secrets.add(secret);
        }
        expect(secrets.size).toBe(20);
    });

    it('is accepted by the standardwebhooks reference library', async () => {
        const f = subscriptionFixture();
        const { secret } = await f.service.create(creator, validBody);
        const webhook = new Webhook(secret);
        const timestamp = new Date();
        const signature = webhook.sign('msg_1', timestamp, '{"a":1}');
        expect(
            webhook.verify('{"a":1}', {
                'webhook-id': 'msg_1',
                'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
                'webhook-signature': signature,
            }),
        ).toEqual({ a: 1 });
    });
});

describe('SubscriptionService.rotateSecret', () => {
    it('puts the new secret first and keeps the old one until the grace window ends', async () => {
        const f = subscriptionFixture({ secretGraceMs: 24 * hour });
        const { secret: first } = await f.service.create(creator, validBody);
        f.advance(hour);
        const rotated = await f.service.rotateSecret(creator, 'sub-1');
        const expiresAt = new Date(t0.getTime() + 25 * hour).toISOString();
        expect(rotated.secret).toMatch(whsec);
        expect(rotated.secret).not.toBe(first);
        expect(rotated.previousSecretExpiresAt).toBe(expiresAt);
        expect(rotated.subscription.secrets).toEqual([
            { secret: rotated.secret, createdAt: new Date(t0.getTime() + hour).toISOString() },
            { secret: first, createdAt: t0.toISOString(), expiresAt },
        ]);
        expect(rotated.subscription.updatedAt).toBe(new Date(t0.getTime() + hour).toISOString());
        const stored = await f.service.get(creator, 'sub-1');
        expect(stored.secrets.map((s) => s.secret)).toEqual([rotated.secret, first]);
        // Both sign during the window; only the new one after it.
        expect(activeSecrets(stored.secrets, new Date(t0.getTime() + 25 * hour - 1))).toHaveLength(2);
        expect(activeSecrets(stored.secrets, new Date(t0.getTime() + 25 * hour)).map((s) => s.secret)).toEqual([
            rotated.secret,
        ]);
    });

    it('drops an expired secret on the next rotation', async () => {
        const f = subscriptionFixture({ secretGraceMs: 24 * hour });
        const { secret: first } = await f.service.create(creator, validBody);
        const second = await f.service.rotateSecret(creator, 'sub-1');
        f.advance(24 * hour);
        const third = await f.service.rotateSecret(creator, 'sub-1');
        const secrets = third.subscription.secrets.map((s) => s.secret);
        expect(secrets).toEqual([third.secret, second.secret]);
        expect(secrets).not.toContain(first);
    });

    it('keeps an earlier expiry when rotating twice within the window, and bounds the list', async () => {
        const f = subscriptionFixture({ secretGraceMs: 24 * hour });
        await f.service.create(creator, validBody);
        await f.service.rotateSecret(creator, 'sub-1');
        f.advance(hour);
        const again = await f.service.rotateSecret(creator, 'sub-1');
        expect(again.subscription.secrets.map((s) => s.expiresAt)).toEqual([
            undefined,
            new Date(t0.getTime() + 25 * hour).toISOString(),
            new Date(t0.getTime() + 24 * hour).toISOString(),
        ]);
        for (let i = 0; i < 10; i++) await f.service.rotateSecret(creator, 'sub-1');
        expect((await f.service.get(creator, 'sub-1')).secrets).toHaveLength(maxActiveSecrets);
    });

    it('with no grace the old secret is gone at once', async () => {
        const f = subscriptionFixture({ secretGraceMs: 0 });
        await f.service.create(creator, validBody);
        const rotated = await f.service.rotateSecret(creator, 'sub-1');
        expect(rotated.subscription.secrets).toHaveLength(1);
        expect(rotated.previousSecretExpiresAt).toBe(t0.toISOString());
    });

    it('retries on a concurrent change without losing it', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        f.store.beforeNextUpdate = () =>
            f.store.touch(tenantId, 'sub-1', (s) => ({ ...s, failingSince: '2026-03-01T09:00:00.000Z' }));
        const rotated = await f.service.rotateSecret(creator, 'sub-1');
        expect(rotated.subscription.secrets).toHaveLength(2);
        expect(rotated.subscription.failingSince).toBe('2026-03-01T09:00:00.000Z');
    });

    it('answers 404 for an unknown id', async () => {
        const f = subscriptionFixture();
        await expect(f.service.rotateSecret(creator, 'nope')).rejects.toMatchObject({ status: 404 });
    });
});
