import type { Clock } from '../ports/clock';
import { type Delivery, type DeliveryJob, type DeliveryQueue, type DeliveryStore } from './delivery';
import { WebhookTargetRefused, type WebhookResponse, type WebhookSender } from './sender';
import { webhookHeaders } from './signature';
import { activeSecrets } from './signingSecret';
import type { Subscription, SubscriptionStore } from './subscription';
import { ConcurrencyConflict, type Stored } from '../shared/stored';

export interface DeliverDeps {
    readonly deliveries: DeliveryStore;
    readonly subscriptions: SubscriptionStore;
    readonly sender: WebhookSender;
    readonly queue: DeliveryQueue;
    readonly clock: Clock;
    /** An endpoint failing every delivery this long is disabled. */
    readonly disableAfterFailingMs: number;
    /** Delay before each attempt, counted from the previous one; the setting's default is `retryScheduleMs` (delivery.ts). */
    readonly retryScheduleMs: readonly number[];
    readonly log: (message: string) => void;
}

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'skipped';

/** Statuses after which a later attempt may succeed; `Retry-After` is honoured on the throttling ones. */
const throttlingStatuses = new Set([429, 502, 503, 504]);

/**
 * Makes one attempt of a delivery and decides what follows: success; a retry re-enqueued after the schedule's
 * delay (or the endpoint's `Retry-After` when longer); or, after the last attempt, `failed` (parked for replay).
 * 410 Gone disables the subscription; so does failing every delivery for `disableAfterFailingMs`. `redelivered`: the
 * queue handed this job out before (its dequeue count is above 1).
 */
export async function deliver(
    job: DeliveryJob,
    deps: DeliverDeps,
    options: { readonly redelivered?: boolean } = {},
): Promise<DeliveryOutcome> {
    const stored = await deps.deliveries.get(job.tenantId, job.deliveryId);
    // Queue messages are at-least-once: a stale or repeated job for a finished or later attempt does nothing.
    if (!stored || stored.value.state !== 'pending' || stored.value.attempts > job.attempt) return 'skipped';
    if (stored.value.attempts === job.attempt) {
        // This attempt is recorded as failed, so its retry was due to be enqueued. A job the queue hands out again
        // (the run that made the attempt died or threw) may have died before that enqueue: the retry is enqueued
        // again, or the delivery would stay `pending` forever. A duplicate retry job finds its attempt made and stops.
        if (!options.redelivered) return 'skipped';
        const delayMs = Math.max(0, Date.parse(stored.value.nextAttemptAt ?? '') - deps.clock.now().getTime() || 0);
        await deps.queue.enqueue({ ...job, attempt: job.attempt + 1 }, delayMs, 'retry');
        return 'retrying';
    }
    const subscription = await deps.subscriptions.get(job.tenantId, stored.value.subscriptionId);
    const now = deps.clock.now();
    if (!subscription || !subscription.value.enabled) {
        await finish(deps, stored, now, 'failed', { lastError: 'subscription deleted or disabled' });
        return 'failed';
    }

    const headers = webhookHeaders({
        id: stored.value.id,
        timestampSeconds: Math.floor(now.getTime() / 1000),
        body: stored.value.body,
        secrets: activeSecrets(subscription.value.secrets, now).map((s) => s.secret),
    });
    let response: WebhookResponse | undefined;
    let problem: string | undefined;
    try {
        response = await deps.sender.send({
            url: subscription.value.notificationUrl,
            headers,
            body: stored.value.body,
        });
    } catch (error) {
        problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (error instanceof WebhookTargetRefused) deps.log(`delivery ${stored.value.id}: target refused: ${problem}`);
    }
    const attempt = job.attempt;
    const status = response?.status;
    const outcomeFields = {
        lastStatus: status,
        lastError: problem ?? (status && status >= 300 ? response?.bodyExcerpt : undefined),
    };

    if (status !== undefined && status >= 200 && status < 300) {
        await finish(deps, stored, now, 'succeeded', { ...outcomeFields, attempts: attempt, lastError: undefined });
        await markSubscription(deps, subscription, now, 'success');
        return 'succeeded';
    }
    if (status === 410) {
        await finish(deps, stored, now, 'failed', { ...outcomeFields, attempts: attempt });
        await markSubscription(deps, subscription, now, 'gone');
        return 'failed';
    }
    await markSubscription(deps, subscription, now, 'failure');
    const schedule = deps.retryScheduleMs;
    if (attempt >= schedule.length) {
        await finish(deps, stored, now, 'failed', { ...outcomeFields, attempts: attempt });
        return 'failed';
    }
    const scheduledMs = schedule[attempt] ?? 0;
    const retryAfterMs = status !== undefined && throttlingStatuses.has(status) ? (response?.retryAfterMs ?? 0) : 0;
    const delayMs = Math.max(scheduledMs, retryAfterMs);
    await finish(deps, stored, now, 'pending', {
        ...outcomeFields,
        attempts: attempt,
        nextAttemptAt: new Date(now.getTime() + delayMs).toISOString(),
    });
    await deps.queue.enqueue({ ...job, attempt: attempt + 1 }, delayMs, 'retry');
    return 'retrying';
}

async function finish(
    deps: DeliverDeps,
    stored: Stored<Delivery>,
    now: Date,
    state: Delivery['state'],
    fields: Partial<Delivery>,
): Promise<void> {
    await deps.deliveries.update(
        {
            ...stored.value,
            ...fields,
            state,
            updatedAt: now.toISOString(),
            lastAttemptAt: fields.attempts === undefined ? stored.value.lastAttemptAt : now.toISOString(),
            nextAttemptAt: state === 'pending' ? fields.nextAttemptAt : undefined,
        },
        stored.etag,
    );
}

/** Keeps the endpoint's health on its subscription; a lost race with another delivery is simply left to it. */
async function markSubscription(
    deps: DeliverDeps,
    stored: Stored<Subscription>,
    now: Date,
    result: 'success' | 'failure' | 'gone',
): Promise<void> {
    const current = stored.value;
    let next: Subscription | undefined;
    if (result === 'success' && current.failingSince !== undefined) {
        next = { ...current, failingSince: undefined };
    } else if (result === 'gone') {
        next = { ...current, enabled: false, disabledReason: 'gone' };
    } else if (result === 'failure') {
        const failingSince = current.failingSince ?? now.toISOString();
        const failingTooLong = now.getTime() - Date.parse(failingSince) >= deps.disableAfterFailingMs;
        next = failingTooLong
            ? { ...current, failingSince, enabled: false, disabledReason: 'failing' }
            : current.failingSince === undefined
              ? { ...current, failingSince }
              : undefined;
    }
    if (!next) return;
    try {
        await deps.subscriptions.update({ ...next, updatedAt: now.toISOString() }, stored.etag);
        if (!next.enabled && current.enabled) deps.log(`subscription ${current.id} disabled (${next.disabledReason})`);
    } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
    }
}
