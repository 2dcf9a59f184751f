import { creator, hour, otherTenantCreator, subscriptionFixture, t0, tenantId, validBody } from './subscriptionFixture';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';

describe('SubscriptionService list, get, delete', () => {
    it('lists the tenant’s subscriptions oldest first and nothing of other tenants', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, { ...validBody, notificationUrl: 'https://a.example.com/' });
        f.advance(1000);
        await f.service.create(otherTenantCreator, validBody);
        f.advance(1000);
        await f.service.create(creator, { ...validBody, notificationUrl: 'https://b.example.com/' });
        expect((await f.service.list(creator)).map((s) => s.id)).toEqual(['sub-1', 'sub-3']);
        expect((await f.service.list(otherTenantCreator)).map((s) => s.id)).toEqual(['sub-2']);
    });

    it('gets by id within the tenant only', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        await expect(f.service.get(creator, 'sub-1')).resolves.toMatchObject({ id: 'sub-1' });
        await expect(f.service.get(otherTenantCreator, 'sub-1')).rejects.toMatchObject({
            status: 404,
            code: 'itemNotFound',
        });
    });

    it('deletes, then answers 404', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        await expect(f.service.delete(otherTenantCreator, 'sub-1')).rejects.toMatchObject({ status: 404 });
        await f.service.delete(creator, 'sub-1');
        expect(f.store.rows.size).toBe(0);
        await expect(f.service.delete(creator, 'sub-1')).rejects.toMatchObject({ status: 404 });
        // The URL is free again.
        await expect(f.service.create(creator, validBody)).resolves.toBeDefined();
    });
});

describe('SubscriptionService enable, disable, update', () => {
    it('disables with reason manual and enables again, clearing the reason and the failure run', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        f.advance(hour);
        const disabled = await f.service.disable(creator, 'sub-1');
        expect(disabled).toMatchObject({ enabled: false, disabledReason: 'manual' });
        expect(disabled.updatedAt).toBe(new Date(t0.getTime() + hour).toISOString());
        expect(await f.store.listMatching(tenantId, 'event.cancelled')).toEqual([]);

        f.store.touch(tenantId, 'sub-1', (s) => ({ ...s, failingSince: t0.toISOString() }));
        const enabled = await f.service.enable(creator, 'sub-1');
        expect(enabled.enabled).toBe(true);
        expect(enabled.disabledReason).toBeUndefined();
        expect(enabled.failingSince).toBeUndefined();
        expect(await f.store.listMatching(tenantId, 'event.cancelled')).toHaveLength(1);
    });

    it('re-enables one the pipeline disabled (410 gone) and keeps that reason on a second disable', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        f.store.touch(tenantId, 'sub-1', (s) => ({ ...s, enabled: false, disabledReason: 'gone' }));
        expect(await f.service.disable(creator, 'sub-1')).toMatchObject({ enabled: false, disabledReason: 'gone' });
        expect(await f.service.enable(creator, 'sub-1')).toMatchObject({ enabled: true, disabledReason: undefined });
    });

    it('changes clientState and description, and null clears them', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, { ...validBody, clientState: 'a', description: 'b' });
        expect(await f.service.update(creator, 'sub-1', { clientState: 'c', description: 'd' })).toMatchObject({
            clientState: 'c',
            description: 'd',
            enabled: true,
        });
        const cleared = await f.service.update(creator, 'sub-1', { clientState: null, description: null });
        expect(cleared.clientState).toBeUndefined();
        expect(cleared.description).toBeUndefined();
    });

    it('changes nothing for an empty body', async () => {
        const f = subscriptionFixture();
        const { subscription } = await f.service.create(creator, validBody);
        f.advance(hour);
        expect(await f.service.update(creator, 'sub-1', {})).toEqual(subscription);
    });

    it.each([
        [{ enabled: 'false' }, 'invalidEnabled'],
        [{ enabled: null }, 'invalidEnabled'],
        [{ notificationUrl: 'https://x.example.com/' }, 'readOnlyProperty'],
        [{ eventTypes: ['event.cancelled'] }, 'readOnlyProperty'],
        [{ secret: 'whsec_x' }, 'readOnlyProperty'],
        [{ colour: 'blue' }, 'unknownProperty'],
        [{ clientState: 'x'.repeat(129) }, 'invalidClientState'],
        [{ description: 7 }, 'invalidDescription'],
    ])('refuses %j with %s', async (body, code) => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        await expect(f.service.update(creator, 'sub-1', body)).rejects.toMatchObject({ status: 400, code });
    });

    it('answers 404 for another tenant’s subscription', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        await expect(f.service.disable(otherTenantCreator, 'sub-1')).rejects.toMatchObject({ status: 404 });
    });

    it('gives up with 409 when every write meets a conflict', async () => {
        const f = subscriptionFixture();
        await f.service.create(creator, validBody);
        f.store.update = () => Promise.reject(new ConcurrencyConflict('subscription', 'sub-1'));
        await expect(f.service.disable(creator, 'sub-1')).rejects.toMatchObject({ status: 409, code: 'conflict' });
    });
});
