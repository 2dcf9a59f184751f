import type { ChaosTarget } from './fixture';
import type { DeliveryView, ParkedNotificationView, RecordView } from './gatewayClient';
import type { AcceptedDelivery } from './receiver';
import type { WorkloadStats } from './workload';

export interface ChaosSubscription {
    readonly name: string;
    readonly id: string;
    readonly eventTypes: readonly string[];
}

/** A message found on a poison queue, decoded. */
export interface PoisonMessage {
    readonly queue: string;
    readonly body: unknown;
}

export interface CheckInput {
    readonly targets: readonly ChaosTarget[];
    readonly performed: ReadonlySet<string>;
    readonly records: readonly RecordView[];
    readonly subscriptions: readonly ChaosSubscription[];
    readonly accepted: readonly AcceptedDelivery[];
    readonly rejectedDeliveries: readonly string[];
    readonly failedDeliveries: readonly DeliveryView[];
    readonly poison: readonly PoisonMessage[];
    /** Notifications the poison drain took off `notifications-poison` (re-sent or parked): each was poisoned. */
    readonly parkedNotifications: readonly ParkedNotificationView[];
    readonly workload: WorkloadStats;
}

export interface SubscriptionFigures {
    name: string;
    expected: number;
    received: number;
    missing: number;
    /** (cancellation, type) pairs that arrived under more than one `webhook-id`. */
    multipleIds: number;
    /** Accepted deliveries, repeats included (at-least-once). */
    deliveries: number;
}

export interface CheckResult {
    performed: number;
    recordsByState: Record<string, number>;
    performedWithoutVerified: string[];
    claimsNotPerformed: string[];
    duplicateClaims: string[];
    unsettled: string[];
    failedRecords: string[];
    askedNotPerformed: string[];
    subscriptions: SubscriptionFigures[];
    unexpectedNotifications: string[];
    poisonUnexplained: string[];
    poisonExplained: number;
    /** Notifications whose fan-out failed every try of the queue function (now parked or being re-sent). */
    parkedNotifications: string[];
    /** Deliveries the poison drain marked failed: their job failed every try of the queue function. */
    poisonedDeliveries: string[];
    violations: string[];
}

/** Notification types a cancellation has announced by its (final) state, in order. */
function announced(record: RecordView): string[] {
    const created = record.kind === 'event' ? 'event.cancelled' : 'bookingAppointment.cancelled';
    if (record.state === 'verified' || record.state === 'repaired') return [created, 'cancellation.verified'];
    if (record.state === 'failed') return ['cancellation.failed'];
    // Unsettled: whatever it reached is reported as unsettled; what it announced so far is not a surprise.
    return record.state === 'pending' ? [] : [created];
}

const claimStates = new Set(['accepted', 'verified', 'repaired', 'drifted']);
const unsettledStates = new Set(['pending', 'accepted', 'drifted']);
const itemOf = (record: RecordView) => record.resource.eventId ?? record.resource.appointmentId ?? '(none)';
const some = (items: readonly string[], max = 5) =>
    items.length <= max ? items.join('; ') : `${items.slice(0, max).join('; ')}; … (${items.length} in all)`;

/**
 * The run's verdict, from what the Graph emulator performed, what the records say, what the receiver accepted and
 * what was poisoned: messages still on the poison queues, and what the poison drains took off them (parked
 * notifications, deliveries failed with `poisoned:`). The drains keep at-least-once through a poisoning, but in a
 * chaos run every poisoning is a finding.
 */
export function checkRun(input: CheckInput): CheckResult {
    const recordsByState: Record<string, number> = {};
    const byItem = new Map<string, RecordView[]>();
    for (const record of input.records) {
        recordsByState[record.state] = (recordsByState[record.state] ?? 0) + 1;
        const item = itemOf(record);
        byItem.set(item, [...(byItem.get(item) ?? []), record]);
    }

    const performedWithoutVerified = [...input.performed].filter(
        (item) => !(byItem.get(item) ?? []).some((r) => r.state === 'verified'),
    );
    const claimsNotPerformed = input.records
        .filter((r) => claimStates.has(r.state) && !input.performed.has(itemOf(r)))
        .map((r) => `${r.id} (${itemOf(r)}, ${r.state})`);
    const duplicateClaims = [...byItem]
        .filter(([, records]) => records.filter((r) => claimStates.has(r.state)).length > 1)
        .map(([item, records]) => `${item}: ${records.map((r) => `${r.id} ${r.state}`).join(', ')}`);
    const unsettled = input.records.filter((r) => unsettledStates.has(r.state)).map((r) => `${r.id} ${r.state}`);
    const failedRecords = input.records
        .filter((r) => r.state === 'failed')
        .map(
            (r) => `${r.id} (${itemOf(r)}): ${r.lastError ? `${r.lastError.status} ${r.lastError.code}` : 'no error'}`,
        );
    // Every target was asked for; the client kept retrying, so each must have been carried out.
    const askedNotPerformed = input.targets.filter((t) => !input.performed.has(t.id)).map((t) => `${t.kind} ${t.id}`);

    // Webhooks: every notification the final records imply, to every subscription that wants its type.
    const ids = new Map<string, Set<string>>();
    const deliveriesPerSubscription = new Map<string, number>();
    for (const delivery of input.accepted) {
        const key = `${delivery.subscription}|${delivery.cancellationId}|${delivery.type}`;
        ids.set(key, (ids.get(key) ?? new Set()).add(delivery.webhookId));
        deliveriesPerSubscription.set(
            delivery.subscription,
            (deliveriesPerSubscription.get(delivery.subscription) ?? 0) + 1,
        );
    }
    const expectedKeys = new Set<string>();
    const subscriptions = input.subscriptions.map((subscription): SubscriptionFigures => {
        const figures = { name: subscription.name, expected: 0, received: 0, missing: 0, multipleIds: 0 };
        for (const record of input.records) {
            for (const type of announced(record).filter((t) => subscription.eventTypes.includes(t))) {
                const key = `${subscription.name}|${record.id}|${type}`;
                expectedKeys.add(key);
                figures.expected++;
                const seen = ids.get(key);
                if (!seen) figures.missing++;
                else figures.received++;
                if (seen && seen.size > 1) figures.multipleIds++;
            }
        }
        return { ...figures, deliveries: deliveriesPerSubscription.get(subscription.name) ?? 0 };
    });
    const recordIds = new Set(input.records.map((r) => r.id));
    const unexpectedNotifications = [...ids.keys()]
        .filter((key) => !expectedKeys.has(key))
        .map((key) => {
            const cancellationId = key.split('|')[1];
            return recordIds.has(cancellationId!) ? key : `${key} (no such cancellation)`;
        })
        .concat(
            // A type a subscription did not ask for must never reach it.
            input.accepted
                .filter((d) => !input.subscriptions.find((s) => s.name === d.subscription)?.eventTypes.includes(d.type))
                .map((d) => `${d.subscription}|${d.cancellationId}|${d.type} (not subscribed)`),
        );

    // A poison message is explained when what it carried got through anyway (e.g. it was redone by reconciliation).
    const acceptedIds = new Set(input.accepted.map((d) => d.webhookId));
    const poisonUnexplained: string[] = [];
    for (const message of input.poison) {
        const body = message.body as { deliveryId?: string; cancellationId?: string; type?: string };
        const explained =
            body.deliveryId !== undefined
                ? acceptedIds.has(body.deliveryId)
                : input.subscriptions
                      .filter((s) => body.type !== undefined && s.eventTypes.includes(body.type))
                      .every((s) => ids.has(`${s.name}|${body.cancellationId}|${body.type}`));
        if (!explained) poisonUnexplained.push(`${message.queue}: ${JSON.stringify(message.body)}`);
    }

    const violations: string[] = [];
    const flag = (what: string, items: readonly string[]) => {
        if (items.length > 0) violations.push(`${what}: ${some(items)}`);
    };
    flag('performed by Graph but not verified', performedWithoutVerified);
    flag('records claiming a cancellation Graph did not perform', claimsNotPerformed);
    flag('items with more than one claiming record', duplicateClaims);
    flag('records left unsettled', unsettled);
    flag('records failed', failedRecords);
    flag('asked for but never performed', askedNotPerformed);
    for (const s of subscriptions) {
        if (s.missing > 0)
            violations.push(`subscription ${s.name}: ${s.missing} of ${s.expected} notifications never received`);
        if (s.multipleIds > 0)
            violations.push(`subscription ${s.name}: ${s.multipleIds} notifications under more than one webhook-id`);
    }
    flag('unexpected notifications', unexpectedNotifications);
    flag('deliveries with a bad signature', input.rejectedDeliveries);
    const isPoisoned = (d: DeliveryView) => d.lastError?.startsWith('poisoned:') === true;
    const poisonedDeliveries = input.failedDeliveries.filter(isPoisoned).map((d) => `${d.id}: ${d.lastError}`);
    flag(
        'deliveries parked as failed',
        input.failedDeliveries
            .filter((d) => !isPoisoned(d))
            .map((d) => `${d.id} ${d.eventType} after ${d.attempts} attempts (${d.lastStatus ?? d.lastError})`),
    );
    flag('deliveries whose job was poisoned', poisonedDeliveries);
    const parkedNotifications = input.parkedNotifications.map(
        (p) => `${p.id} ${p.state}${p.redrives > 0 ? ` after ${p.redrives} re-sends` : ''}`,
    );
    flag('notifications whose fan-out was poisoned', parkedNotifications);
    flag('unexplained poison messages', poisonUnexplained);
    flag('client requests with an unexpected final answer', input.workload.unexpected);
    flag('client requests given up', input.workload.gaveUp);
    flag('Idempotency-Key repeats not replayed', input.workload.repeatMismatches);

    return {
        performed: input.performed.size,
        recordsByState,
        performedWithoutVerified,
        claimsNotPerformed,
        duplicateClaims,
        unsettled,
        failedRecords,
        askedNotPerformed,
        subscriptions,
        unexpectedNotifications,
        poisonUnexplained,
        poisonExplained: input.poison.length - poisonUnexplained.length,
        parkedNotifications,
        poisonedDeliveries,
        violations,
    };
}
