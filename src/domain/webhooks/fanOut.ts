import { createHash } from 'node:crypto';
import type { BulkJobStore } from '../bulk/job';
import type { CancellationStore } from '../cancellation/store';
import { isJobMessage, type NotificationMessage } from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import { type Delivery, type DeliveryQueue, type DeliveryStore, firstAttemptLane } from './delivery';
import { jobWebhookPayload, webhookPayload } from './payload';
import { type Subscription, type SubscriptionStore, wantsOrigin } from './subscription';
import { subscriptionReceives } from './subscriptionAccess';

export interface FanOutDeps {
    readonly cancellations: CancellationStore;
    /** Bulk cancellation jobs, for their own notifications' payloads. */
    readonly jobs: Pick<BulkJobStore, 'getJob' | 'countItems'>;
    readonly subscriptions: Pick<SubscriptionStore, 'listMatching'>;
    readonly deliveries: DeliveryStore;
    readonly queue: DeliveryQueue;
    readonly clock: Clock;
    readonly log: (message: string) => void;
}

/** `webhook-id`: the same for a (notification, subscription) pair however often it is fanned out or retried. */
export function deliveryId(messageId: string, subscriptionId: string): string {
    return `msg_${createHash('sha256').update(`${messageId}|${subscriptionId}`).digest('base64url').slice(0, 27)}`;
}

/**
 * The fan-out of a queue message with several notifications: each is fanned out as if it came alone, at once, with one
 * subscriptions query per tenant and event type for all of them. A failure fails the message after all were tried,
 * so the queue runs it again; what did succeed is not repeated. Resolves with each notification's count.
 */
export async function fanOutAll(messages: readonly NotificationMessage[], deps: FanOutDeps): Promise<number[]> {
    const lists = new Map<string, Promise<readonly Subscription[]>>();
    const subscriptions: FanOutDeps['subscriptions'] = {
        listMatching(tenantId, eventType) {
            const key = `${tenantId}|${eventType}`;
            const list = lists.get(key) ?? deps.subscriptions.listMatching(tenantId, eventType);
            lists.set(key, list);
            return list;
        },
    };
    return everyOrFirstFailure(messages.map((message) => fanOut(message, { ...deps, subscriptions })));
}

/**
 * Waits for every one, then throws the first failure: any failure fails the queue message, so the queue runs it again,
 * and what did succeed is not repeated (each step is idempotent).
 */
async function everyOrFirstFailure<T>(work: readonly Promise<T>[]): Promise<T[]> {
    const outcomes = await Promise.allSettled(work);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
}

/** What one notification sends: to whom, and each receiver's body. */
interface Addressed {
    readonly receiving: readonly Subscription[];
    readonly body: (subscription: Subscription) => unknown;
    readonly about: Pick<Delivery, 'cancellationId' | 'jobId'>;
}

/**
 * One notification becomes one delivery per matching subscription, each on its own queue message, so a slow or
 * failing endpoint never delays or repeats the others; a subscription whose endpoint is failing gets its first
 * attempt on the retry lane, where its timeouts hold no slot that healthy endpoints' deliveries need. A subscription
 * matches when it wants the event type and receives the record (tenant-wide, or its owner made the record:
 * `subscriptionReceives`), and its `origins` filter lets the record's origin through; a job's notifications go to
 * tenant-wide subscriptions only (administrators' jobs, about a whole mailbox). Safe to run twice for one message.
 */
export async function fanOut(message: NotificationMessage, deps: FanOutDeps): Promise<number> {
    // Subscriptions first: with none to notify, the record need not be read.
    const subscriptions = await deps.subscriptions.listMatching(message.tenantId, message.type);
    if (subscriptions.length === 0) return 0;
    const addressed = isJobMessage(message)
        ? await addressJobEvent(message, subscriptions, deps)
        : await addressCancellationEvent(message, subscriptions, deps);
    if (!addressed) return 0;
    const now = deps.clock.now().toISOString();
    // All at once: a subscription listed after others does not wait for their writes and enqueues.
    const queued = await everyOrFirstFailure(
        addressed.receiving.map(async (subscription): Promise<boolean> => {
            const delivery: Delivery = {
                id: deliveryId(message.messageId, subscription.id),
                tenantId: message.tenantId,
                subscriptionId: subscription.id,
                messageId: message.messageId,
                ...addressed.about,
                eventType: message.type,
                state: 'pending',
                body: JSON.stringify(addressed.body(subscription)),
                attempts: 0,
                createdAt: now,
                updatedAt: now,
                nextAttemptAt: now,
            };
            const existing = await deps.deliveries.createIfAbsent(delivery);
            // A repeat of the fan-out: a delivery already under way or done keeps its own course.
            if (existing.value.attempts > 0 || existing.value.state !== 'pending') return false;
            await deps.queue.enqueue(
                { schemaVersion: 1, tenantId: message.tenantId, deliveryId: delivery.id, attempt: 1 },
                0,
                firstAttemptLane(subscription),
            );
            return true;
        }),
    );
    return queued.filter(Boolean).length;
}

async function addressCancellationEvent(
    message: Exclude<NotificationMessage, { jobId: string }>,
    subscriptions: readonly Subscription[],
    deps: FanOutDeps,
): Promise<Addressed | undefined> {
    const stored = await deps.cancellations.get(message.tenantId, message.cancellationId);
    if (!stored) {
        deps.log(
            `notification ${message.messageId}: cancellation ${message.cancellationId} not found; nothing to send`,
        );
        return undefined;
    }
    const record = stored.value;
    return {
        receiving: subscriptions.filter(
            (subscription) => subscriptionReceives(subscription, record) && wantsOrigin(subscription, record),
        ),
        body: (subscription) => webhookPayload(message, record, subscription),
        about: { cancellationId: message.cancellationId },
    };
}

async function addressJobEvent(
    message: Extract<NotificationMessage, { jobId: string }>,
    subscriptions: readonly Subscription[],
    deps: FanOutDeps,
): Promise<Addressed | undefined> {
    const receiving = subscriptions.filter(
        (subscription) => subscription.scope === 'tenant' && subscription.tenantId === message.tenantId,
    );
    if (receiving.length === 0) return undefined;
    const stored = await deps.jobs.getJob(message.tenantId, message.jobId);
    if (!stored) {
        deps.log(`notification ${message.messageId}: cancellation job ${message.jobId} not found; nothing to send`);
        return undefined;
    }
    const job = stored.value;
    const counts = await deps.jobs.countItems(job.tenantId, job.id);
    return {
        receiving,
        body: (subscription) => jobWebhookPayload(message, job, counts, subscription),
        about: { jobId: message.jobId },
    };
}
