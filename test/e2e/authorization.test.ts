import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';

const [alice, bob, carol] = devTenant.users;
const appId = 'ca9ce1a7-0000-4000-8000-0000000000d4';

/**
 * The authorization matrix of issue 3 as a caller meets it over HTTP. Token validation details (alg none,
 * HS256 with the public key, kid injection…) are covered against a local OpenID server in test/auth.
 */
describe('authorization at the gateway', () => {
    const local = useLocalStack();

    const cancelBudgetReview = (
        authorization: string | undefined,
        path = `v1.0/me/events/${demoIds.budgetReviewId}/cancel`,
    ) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
            body: '{}',
        });

    const unauthenticated: Array<[string, () => string | undefined]> = [
        ['no token', () => undefined],
        ['a malformed token', () => 'Bearer not.a.jwt'],
        ['another scheme', () => 'Basic YWxpY2U6cGFzcw=='],
        [
            'an expired token',
            () => `Bearer ${local.stack.token({ scp: ['Calendars.ReadWrite'], expiresInSeconds: -3600 })}`,
        ],
        [
            'a not-yet-valid token',
            () => `Bearer ${local.stack.token({ scp: ['Calendars.ReadWrite'], notBeforeSeconds: 3600 })}`,
        ],
        [
            'a token for another audience',
            () => `Bearer ${local.stack.token({ scp: ['Calendars.ReadWrite'], audience: 'api://other' })}`,
        ],
        [
            'a Graph-audience token',
            () =>
                `Bearer ${local.stack.token({ scp: ['Calendars.ReadWrite'], audience: 'https://graph.microsoft.com' })}`,
        ],
        [
            'a token from another tenant',
            () =>
                `Bearer ${local.stack.token({ scp: ['Calendars.ReadWrite'], tenantId: 'ab12c000-0000-4000-8000-000000000000' })}`,
        ],
        [
            'a token from another issuer host',
            () => `Bearer ${local.stack.token({ scp: ['Calendars.ReadWrite'], issuerHost: 'https://evil.test' })}`,
        ],
    ];

    it.each(unauthenticated)(
        'answers 401 with a Bearer challenge to %s, and calls no Graph',
        async (_name, authorization) => {
            const response = await cancelBudgetReview(authorization());
            expect(response.status).toBe(401);
            expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
            expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
            expect(await local.admin.calls()).toEqual([]);
        },
    );

    it('answers 403 when the delegated scope is missing', async () => {
        const response = await cancelBudgetReview(`Bearer ${local.stack.token({ scp: ['User.Read'] })}`);
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
    });

    it('answers 400 like Graph to an app token on /me', async () => {
        const response = await cancelBudgetReview(
            `Bearer ${local.stack.token({ app: appId, roles: ['Calendars.ReadWrite'] })}`,
        );
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({
            error: { message: '/me request is only valid with delegated authentication flow.' },
        });
    });

    it("refuses a user in someone else's mailbox (403) before anything is cancelled", async () => {
        const carolToken = local.stack.token({ user: carol.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const response = await cancelBudgetReview(
            `Bearer ${carolToken}`,
            `v1.0/users/${alice.userPrincipalName}/events/${demoIds.budgetReviewId}/cancel`,
        );
        expect(response.status).toBe(403);
        expect((await local.admin.calls()).filter((c) => c.includes('/events/'))).toEqual([]);
    });

    it('lets a delegate named by the tenant policy act in that mailbox (then Graph decides: carol is only an attendee)', async () => {
        const carolCopy = (await local.admin.events(carol.userPrincipalName)).find(
            (e) => e.subject === 'Budget review',
        )!;
        const bobToken = local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const response = await cancelBudgetReview(
            `Bearer ${bobToken}`,
            `v1.0/users/${carol.id}/events/${carolCopy.id}/cancel`,
        );
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'ErrorInvalidRequest' } });
    });

    it('lets an app act app-only where the tenant policy allows it', async () => {
        const response = await cancelBudgetReview(
            `Bearer ${local.stack.token({ app: appId, roles: ['Calendars.ReadWrite'] })}`,
            `v1.0/users/${alice.userPrincipalName}/events/${demoIds.budgetReviewId}/cancel`,
        );
        expect(response.status).toBe(202);
    });

    it('refuses an app the tenant policy does not name (403)', async () => {
        const response = await cancelBudgetReview(
            `Bearer ${local.stack.token({ app: 'ca9ce1a7-0000-4000-8000-0000000000ff', roles: ['Calendars.ReadWrite'] })}`,
            `v1.0/users/${alice.userPrincipalName}/events/${demoIds.budgetReviewId}/cancel`,
        );
        expect(response.status).toBe(403);
    });

    it("shows a caller only their own records; an admin sees everyone's", async () => {
        const aliceToken = local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const created = await cancelBudgetReview(`Bearer ${aliceToken}`);
        const location = created.headers.get('location')!;
        const bobToken = local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        expect(
            (await fetch(`${local.stack.gatewayUrl}${location}`, { headers: { Authorization: `Bearer ${bobToken}` } }))
                .status,
        ).toBe(404);
        const bobList = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${bobToken}` },
        });
        expect(await bobList.json()).toEqual({ value: [] });
        const adminToken = local.stack.token({ app: appId, roles: ['Cancellations.Admin'] });
        const all = await fetch(`${local.stack.gatewayUrl}/api/cancellations?state=accepted`, {
            headers: { Authorization: `Bearer ${adminToken}` },
        });
        expect(((await all.json()) as { value: unknown[] }).value).toHaveLength(1);
    });
});
