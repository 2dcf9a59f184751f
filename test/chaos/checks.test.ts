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
        parkedNotifications: [],
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

    it('catch what the poison drains took off the poison queues: parked notifications and poisoned deliveries', () => {
        const delivery = (id: string, lastError: string) => ({
            id,
            subscriptionId: 'sub-1',
            cancellationId: 'c1',
            eventType: 'cancellation.verified',
            state: 'failed',
            attempts: 1,
            lastError,
        });
        const result = checkRun({
            ...clean(),
            failedDeliveries: [
                delivery('msg_p', 'poisoned: the job for attempt 1 failed every try of the queue function'),
                delivery('msg_f', 'connection refused'),
            ],
            parkedNotifications: [
                { id: 'c2.event.cancelled', state: 'redriving', redrives: 1 },
                { id: 'unreadable_ab', state: 'unreadable', redrives: 0 },
            ],
        });
        expect(result.poisonedDeliveries).toEqual([
            'msg_p: poisoned: the job for attempt 1 failed every try of the queue function',
        ]);
        expect(result.parkedNotifications).toEqual([
            'c2.event.cancelled redriving after 1 re-sends',
            'unreadable_ab unreadable',
        ]);
        expect(result.violations).toEqual([
            'deliveries parked as failed: msg_f cancellation.verified after 1 attempts (connection refused)',
            'deliveries whose job was poisoned: msg_p: poisoned: the job for attempt 1 failed every try of the queue function',
            'notifications whose fan-out was poisoned: c2.event.cancelled redriving after 1 re-sends; unreadable_ab unreadable',
        ]);
    });
});
