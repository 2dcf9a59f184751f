import { isoInstant } from '../time';
import { type Tenant } from '../store/tenant';
import { ChangeDetector, type ItemChange } from './changes';
import { postToReceiver } from './outbound';
import { preciseInstant, type Subscription, SubscriptionStore } from './subscriptions';

/** Graph's client timeout for a notification POST (an answer later than this is a failure). */
export const deliveryTimeoutMs = 3_000;
/**
 * Waits before each retry of a failed batch. Graph retries with exponential backoff for up to 4 hours; the
 * emulator keeps the shape and shortens it so tests see a retry (docs/emulator.md).
 */
export const retryDelaysMs: readonly number[] = [1_000, 2_000, 4_000, 8_000];
/** Most notifications in one POST (Graph documents no number; VERIFY). */
export const maxBatchSize = 100;
/** Most entries `GET /_emulator/notifications` keeps (oldest dropped first). */
const maxLogEntries = 5_000;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';
export const lifecycleEvents: readonly LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];

/** One POST the emulator made (or dropped) to a subscriber, with its outcome. */
export interface SentBatch {
    seq: number;
    kind: 'change' | 'lifecycle';
    subscriptionId: string;
    url: string;
    /** `pending` (will be retried), `delivered`, `failed` (retries exhausted), `dropped` (fault), `expired`. */
    outcome: 'pending' | 'delivered' | 'failed' | 'dropped' | 'expired';
    attempts: { at: string; status?: number; error?: string }[];
    body: { value: Record<string, unknown>[] };
}

/** Drop the next N change notifications, or all of them until cleared (`PUT /_emulator/faults`). */
export type DropNotifications = number | 'all' | null;

interface Pending {
    subscription: Subscription;
    entries: Record<string, unknown>[];
}

/**
 * Graph's change notifications: after each request that may have changed something, `afterRequest` compares the
 * watched mailboxes, batches the changes per subscription and POSTs them asynchronously (never inside the request
 * that made the change), retrying failures with backoff.
 */
export class Notifier {
    readonly subscriptions: SubscriptionStore;
    private readonly detector = new ChangeDetector();
    private readonly log: SentBatch[] = [];
    private seq = 0;
    private drop: DropNotifications = null;
    private readonly timers = new Set<NodeJS.Timeout>();
    private stopped = false;

    constructor(private readonly nowMs: () => number) {
        this.subscriptions = new SubscriptionStore(nowMs);
    }

    get dropNotifications(): DropNotifications {
        return this.drop;
    }

    set dropNotifications(value: DropNotifications) {
        this.drop = value;
    }

    /** Starts watching a new subscription's mailbox (changes before now are not reported). */
    watch(tenant: Tenant, mailboxId: string): void {
        const mailbox = tenant.mailboxes.get(mailboxId);
        if (mailbox) this.detector.watch(mailbox);
    }

    /** Looks for changes after a request; cheap when no subscription is live. */
    afterRequest(tenant: Tenant): void {
        const live = this.subscriptions.live();
        this.detector.retain(new Set(live.map((s) => s.mailboxId)));
        if (live.length === 0) return;
        const changes = this.detector.detect(tenant);
        if (changes.length === 0) return;
        const batches = new Map<string, Pending>();
        for (const change of changes) {
            for (const subscription of live) {
                if (subscription.mailboxId !== change.mailboxId) continue;
                if (!subscription.changeTypes.has(change.changeType)) continue;
                const pending = batches.get(subscription.id) ?? { subscription, entries: [] };
                pending.entries.push(this.changeEntry(subscription, change));
                batches.set(subscription.id, pending);
            }
        }
        for (const { subscription, entries } of batches.values()) {
            for (let i = 0; i < entries.length; i += maxBatchSize) {
                this.sendChanges(subscription, entries.slice(i, i + maxBatchSize));
            }
        }
    }

    /** Sends a lifecycle notification now (asynchronously); `subscriptionRemoved` also deletes the subscription. */
    sendLifecycle(subscription: Subscription, lifecycleEvent: LifecycleEvent, url: string): SentBatch {
        const entry: Record<string, unknown> = {
            subscriptionId: subscription.id,
            subscriptionExpirationDateTime: preciseInstant(subscription.expirationMs),
            tenantId: subscription.tenantId,
            clientState: subscription.clientState,
            lifecycleEvent,
        };
        if (lifecycleEvent === 'subscriptionRemoved') this.subscriptions.remove(subscription.id);
        const batch = this.record('lifecycle', subscription.id, url, [entry]);
        this.later(0, () => this.attempt(batch, undefined, 0));
        return batch;
    }

    /** What was sent, oldest first, optionally for one subscription. */
    sent(subscriptionId?: string): SentBatch[] {
        return this.log.filter(
            (b) => subscriptionId === undefined || b.subscriptionId === subscriptionId.toLowerCase(),
        );
    }

    clearLog(): void {
        this.log.length = 0;
    }

    /** Forgets subscriptions, watch baselines, the log and the fault, and cancels every pending send or retry. */
    reset(): void {
        this.subscriptions.clear();
        this.detector.clear();
        this.clearLog();
        this.drop = null;
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
    }

    /** Stops for good (server close). */
    stop(): void {
        this.reset();
        this.stopped = true;
    }

    private changeEntry(subscription: Subscription, change: ItemChange): Record<string, unknown> {
        const id = subscription.immutableIds ? change.immutableId : change.id;
        const path = `Users/${change.mailboxId}/Events/${id}`;
        return {
            subscriptionId: subscription.id,
            subscriptionExpirationDateTime: preciseInstant(subscription.expirationMs),
            changeType: change.changeType,
            resource: path,
            resourceData: {
                '@odata.type': '#Microsoft.Graph.Event',
                '@odata.id': path,
                '@odata.etag': `W/"${change.changeKey}"`,
                id,
            },
            clientState: subscription.clientState,
            tenantId: subscription.tenantId,
        };
    }

    private sendChanges(subscription: Subscription, entries: Record<string, unknown>[]): void {
        const batch = this.record('change', subscription.id, subscription.notificationUrl, entries);
        if (this.drop !== null) {
            batch.outcome = 'dropped';
            if (typeof this.drop === 'number') {
                // The fault counts notifications: a batch larger than what is left to drop still goes whole.
                this.drop = this.drop - entries.length > 0 ? this.drop - entries.length : null;
            }
            return;
        }
        this.later(0, () => this.attempt(batch, subscription, 0));
    }

    private record(kind: SentBatch['kind'], subscriptionId: string, url: string, value: Record<string, unknown>[]) {
        this.seq += 1;
        const batch: SentBatch = {
            seq: this.seq,
            kind,
            subscriptionId,
            url,
            outcome: 'pending',
            attempts: [],
            body: { value },
        };
        this.log.push(batch);
        if (this.log.length > maxLogEntries) this.log.shift();
        return batch;
    }

    /** One POST; on failure another after the next backoff delay, until the delays run out. */
    private async attempt(batch: SentBatch, subscription: Subscription | undefined, retry: number): Promise<void> {
        // Change notifications stop once their subscription is gone or expired (lifecycle ones are sent regardless).
        if (subscription && this.subscriptions.find(subscription.id) === undefined) {
            batch.outcome = 'expired';
            return;
        }
        const result = await postToReceiver(
            new URL(batch.url),
            JSON.stringify(batch.body),
            'application/json; charset=utf-8',
            deliveryTimeoutMs,
        );
        if (this.stopped || !this.log.includes(batch)) return;
        const at = isoInstant(this.nowMs());
        if (result.kind === 'answered') batch.attempts.push({ at, status: result.status });
        else batch.attempts.push({ at, error: result.error });
        if (result.kind === 'answered' && result.status >= 200 && result.status < 300) {
            batch.outcome = 'delivered';
            return;
        }
        const delay = retryDelaysMs[retry];
        if (delay === undefined) {
            batch.outcome = 'failed';
            return;
        }
        this.later(delay, () => this.attempt(batch, subscription, retry + 1));
    }

    private later(delayMs: number, run: () => Promise<void>): void {
        if (this.stopped) return;
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            void run();
        }, delayMs);
        timer.unref();
        this.timers.add(timer);
    }
}
