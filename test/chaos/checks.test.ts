import { type CheckInput, checkRun } from '../../chaos/checks';
import type { RecordView } from '../../chaos/gatewayClient';
import { emptyWorkloadStats } from '../../chaos/workload';

const event = (id: string, item: string, state: string): RecordView => ({
    id,
    kind: 'event',
    state,
    resource: { eventId: item },
    attempts: 1,
});

function clean(): CheckInput {
    return {
        targets: [{ kind: 'event', mailbox: 'alice@contoso.test', id: 'E1' }],
        performed: new Set(['E1']),
        records: [event('c1', 'E1', 'verified')],
        subscriptions: [{ name: 's', id: 'sub-1', eventTypes: ['event.cancelled', 'cancellation.verified'] }],
        accepted: [
            { subscription: 's', webhookId: 'msg_a', type: 'event.cancelled', cancellationId: 'c1' },
            { subscription: 's', webhookId: 'msg_a', type: 'event.cancelled', cancellationId: 'c1' },
            { subscription: 's', webhookId: 'msg_b', type: 'cancellation.verified', cancellationId: 'c1' },
        ],
        rejectedDeliveries: [],
        failedDeliveries: [],
        poison: [],
        workload: emptyWorkloadStats(),
    };
}

/** The chaos run's verdict must catch what it is there to catch (a check that never fails proves nothing). */
describe('chaos checks', () => {
    it('pass a clean run, counting a redelivery under the same webhook-id once', () => {
        const result = checkRun(clean());
        expect(result.violations).toEqual([]);
        expect(result.subscriptions).toEqual([
            { name: 's', expected: 2, received: 2, missing: 0, multipleIds: 0, deliveries: 3 },
        ]);
    });

    it('catch a lost cancellation, an invented one, a duplicate claim and an unsettled record', () => {
        const input = clean();
        const result = checkRun({
            ...input,
            performed: new Set(['E1', 'E2']),
            records: [event('c1', 'E1', 'verified'), event('c2', 'E1', 'accepted'), event('c3', 'E3', 'verified')],
        });
        expect(result.performedWithoutVerified).toEqual(['E2']);
        expect(result.claimsNotPerformed).toEqual(['c3 (E3, verified)']);
        expect(result.duplicateClaims).toHaveLength(1);
        expect(result.unsettled).toEqual(['c2 accepted']);
        expect(result.violations.length).toBeGreaterThanOrEqual(4);
    });

    it('catch a missing notification, a second webhook-id, and unexplained poison', () => {
        const input = clean();
        const result = checkRun({
            ...input,
            accepted: [
                { subscription: 's', webhookId: 'msg_a', type: 'event.cancelled', cancellationId: 'c1' },
                { subscription: 's', webhookId: 'msg_z', type: 'event.cancelled', cancellationId: 'c1' },
            ],
            poison: [
                { queue: 'webhook-deliveries-poison', body: { deliveryId: 'msg_a' } },
                { queue: 'webhook-deliveries-poison', body: { deliveryId: 'msg_lost' } },
            ],
        });
        expect(result.subscriptions[0]).toMatchObject({ missing: 1, multipleIds: 1 });
        expect(result.poisonExplained).toBe(1);
        expect(result.poisonUnexplained).toEqual(['webhook-deliveries-poison: {"deliveryId":"msg_lost"}']);
        expect(result.violations).toEqual(
            expect.arrayContaining([
                'subscription s: 1 of 2 notifications never received',
                'subscription s: 1 notifications under more than one webhook-id',
            ]),
        );
    });
});
