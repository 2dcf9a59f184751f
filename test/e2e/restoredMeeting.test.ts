import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import type { ReconcileSummary } from '../../src/domain/reconciliation/reconciler';
import { postReconcile, type StackFixture, useLocalStack } from '../support/stack';

const [alice] = devTenant.users;
const adminApp = 'ca9ce1a7-0000-4000-8000-0000000000d4';

/** The local stack's tenant policy (local.settings.sample.json) with drift repair on or off. */
function policy(repairDrift: boolean): string {
    return JSON.stringify({
        delegates: [],
        applications: [{ appId: adminApp, mailboxes: ['*'], groups: ['*'], bookingBusinesses: ['*'] }],
        bookings: [],
        reconciliation: { repairDrift },
    });
}

interface RecordView {
    state: string;
    resource: { eventId?: string };
}

/**
 * A cancelled meeting someone restores from Deleted Items in Outlook comes back under a new regular id; the gateway
 * recorded the immutable id before cancelling, so reconciliation still finds it (issue 15, item 2).
 */
function gateway(local: StackFixture) {
    const adminToken = () =>
        local.stack.token({ app: adminApp, roles: ['Cancellations.Admin', 'Subscriptions.ReadWrite.All'] });
    const aliceToken = () => local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
    return {
        cancel: async (path: string) =>
            (
                await fetch(`${local.stack.gatewayUrl}/api/${path}`, {
                    method: 'POST',
                    headers: { Authorization: `Bearer ${aliceToken()}`, 'Content-Type': 'application/json' },
                    body: JSON.stringify({ comment: 'Off' }),
                })
            ).status,
        reconcileNow: async (): Promise<ReconcileSummary> => {
            const response = await postReconcile(local.stack, adminToken());
            expect(response.status).toBe(200);
            return (await response.json()) as ReconcileSummary;
        },
        records: async () => {
            const response = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
                headers: { Authorization: `Bearer ${adminToken()}` },
            });
            return ((await response.json()) as { value: RecordView[] }).value;
        },
        /** Alice's "Budget review", wherever it is now (found by the id it had first). */
        budgetReview: async () =>
            (await local.admin.events(alice.userPrincipalName)).find(
                (e) => e.id === demoIds.budgetReviewId || e.previousIds.includes(demoIds.budgetReviewId),
            ),
    };
}

const fastChecks = { CANCEL_PENDING_GRACE_SECONDS: '0', CANCEL_VERIFY_DELAY_SECONDS: '0' };

describe('a cancelled meeting restored from Deleted Items (repairDrift on)', () => {
    const local = useLocalStack({ ...fastChecks, TENANT_POLICY: policy(true) });
    const g = gateway(local);

    it('verifies while the meeting sits in Deleted Items: found by its immutable id, outside every calendar', async () => {
        expect(await g.cancel(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`)).toBe(202);
        expect(await g.budgetReview()).toMatchObject({ folder: 'Deleted Items' });
        await local.admin.clearRequests();

        expect(await g.reconcileNow()).toMatchObject({ verified: 1, drifted: 0 });
        expect((await g.records())[0]).toMatchObject({
            state: 'verified',
            resource: { eventId: demoIds.budgetReviewId },
        });
        const lookups = (await local.admin.requests()).filter((r) => r.inBatch);
        const item = (await g.budgetReview())!;
        expect(lookups.map((r) => decodeURIComponent(r.path))).toEqual(
            expect.arrayContaining([expect.stringContaining(`/events/${item.immutableId}?`)]),
        );
    });

    it('finds the restored meeting back in the calendar under a new id: drifted, then repaired by its immutable id', async () => {
        expect(await g.cancel(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`)).toBe(202);
        const deleted = (await g.budgetReview())!;
        const restored = await local.admin.restore(alice.userPrincipalName, deleted.immutableId);
        expect(restored).toMatchObject({ folder: 'Calendar', isCancelled: false, immutableId: deleted.immutableId });
        expect([demoIds.budgetReviewId, deleted.id]).not.toContain(restored.id);

        expect(await g.reconcileNow()).toMatchObject({ drifted: 1, repaired: 1, verified: 0 });
        expect((await g.records())[0]).toMatchObject({ state: 'repaired' });
        const again = (await g.budgetReview())!;
        expect(again).toMatchObject({
            folder: 'Deleted Items',
            immutableId: deleted.immutableId,
            cancelComment: 'Off',
        });
    });

    it('verifies a meeting purged after the cancel (404 by its immutable id)', async () => {
        expect(await g.cancel(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`)).toBe(202);
        const deleted = (await g.budgetReview())!;
        await local.admin.purge(alice.userPrincipalName, deleted.immutableId);
        expect(await g.budgetReview()).toBeUndefined();

        expect(await g.reconcileNow()).toMatchObject({ verified: 1, drifted: 0, repaired: 0 });
        expect((await g.records())[0]).toMatchObject({ state: 'verified' });
    });
});

describe('a cancelled meeting restored from Deleted Items (repairDrift off)', () => {
    const local = useLocalStack({ ...fastChecks, TENANT_POLICY: policy(false) });
    const g = gateway(local);

    it('reports the restored meeting as drifted and leaves it in the calendar', async () => {
        expect(await g.cancel(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`)).toBe(202);
        const deleted = (await g.budgetReview())!;
        await local.admin.restore(alice.userPrincipalName, deleted.immutableId);

        expect(await g.reconcileNow()).toMatchObject({ drifted: 1, repaired: 0 });
        expect((await g.records())[0]).toMatchObject({ state: 'drifted' });
        expect(await g.budgetReview()).toMatchObject({ folder: 'Calendar', isCancelled: false });
    });
});
