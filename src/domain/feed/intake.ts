import { type FeedChangeQueue, type FeedEventItem, eventsMessages } from './changeMessage';
import type { LifecycleMessage, LifecycleQueue } from './lifecycleMessage';
import type { SubscriptionSecret } from './ports';
import { sameClientState } from './secret';

/** One item of Graph's notification batch (`value[]`), as far as the intake reads it. */
export interface NotificationItem {
    readonly subscriptionId: string;
    readonly clientState?: string | null | undefined;
    readonly tenantId?: string | null | undefined;
    readonly changeType?: string | null | undefined;
    readonly lifecycleEvent?: string | null | undefined;
    readonly resourceData?: { readonly id?: string | null | undefined } | null | undefined;
}

export interface IntakeDeps {
    readonly tenantId: string;
    /** The subscription's mailbox and secret; cached briefly by the caller (every item of a burst asks). */
    readonly findSubscription: (subscriptionId: string) => Promise<SubscriptionSecret | null>;
    readonly changes: FeedChangeQueue;
    readonly lifecycle: LifecycleQueue;
    readonly now: () => Date;
    readonly log: (message: string) => void;
}

export interface IntakeSummary {
    readonly accepted: number;
    /** Unknown subscription, wrong `clientState`, another tenant, or an item the feed does not use. */
    readonly dropped: number;
}

type Verdict = { readonly ok: true; readonly mailbox: string } | { readonly ok: false; readonly why: string };

async function verify(item: NotificationItem, deps: IntakeDeps): Promise<Verdict> {
    if (item.tenantId && item.tenantId.toLowerCase() !== deps.tenantId.toLowerCase()) {
        return { ok: false, why: 'another tenant' };
    }
    const known = await deps.findSubscription(item.subscriptionId);
    if (known === null) return { ok: false, why: 'unknown subscription' };
    if (!sameClientState(item.clientState ?? '', known.clientState)) return { ok: false, why: 'wrong clientState' };
    return { ok: true, mailbox: known.mailbox };
}

function dropped(kind: string, item: NotificationItem, why: string, deps: IntakeDeps): void {
    // The subscription id is Graph's (not a secret); the clientState sent is never logged.
    deps.log(`feed: ${kind} for subscription ${item.subscriptionId.slice(0, 100)} dropped (${why})`);
}

/**
 * Graph's change notifications: each item whose subscription is known and whose `clientState` matches is accepted;
 * anything else is dropped (logged, without the secret) and changes nothing. Duplicates within the batch (same
 * mailbox, event and change type) collapse to one, and the accepted items go to `graph-changes` as ONE `events`
 * message (split only past the queue's message size), so the answer costs one queue write. The caller answers only
 * after this resolves: nothing accepted is lost. No Graph call: Graph wants its answer within 3 seconds.
 */
export async function acceptChangeNotifications(
    items: readonly NotificationItem[],
    deps: IntakeDeps,
): Promise<IntakeSummary> {
    const observedAt = deps.now().toISOString();
    const verified = await Promise.all(
        items.map(async (item): Promise<FeedEventItem | undefined> => {
            const verdict = await verify(item, deps);
            if (!verdict.ok) {
                dropped('change notification', item, verdict.why, deps);
                return undefined;
            }
            const changeType =
                item.changeType === 'deleted' ? 'deleted' : item.changeType === 'updated' ? 'updated' : undefined;
            const eventId = item.resourceData?.id;
            if (changeType === undefined || !eventId) {
                dropped(
                    'change notification',
                    item,
                    `changeType ${String(item.changeType)} or no resourceData.id`,
                    deps,
                );
                return undefined;
            }
            return { mailbox: verdict.mailbox, eventId, changeType, subscriptionId: item.subscriptionId };
        }),
    );
    const distinct = new Map<string, FeedEventItem>();
    for (const item of verified) {
        if (item === undefined) continue;
        const key = JSON.stringify([item.mailbox.toLowerCase(), item.eventId, item.changeType]);
        if (!distinct.has(key)) distinct.set(key, item);
    }
    const messages = eventsMessages([...distinct.values()], { tenantId: deps.tenantId, observedAt });
    await Promise.all(messages.map((message) => deps.changes.enqueue(message)));
    const accepted = verified.filter((item) => item !== undefined).length;
    return { accepted, dropped: items.length - accepted };
}

const lifecycleEvents = new Set(['reauthorizationRequired', 'subscriptionRemoved', 'missed']);

/** Graph's lifecycle notifications: checked as change notifications are, then queued for `graph-lifecycle`. */
export async function acceptLifecycleNotifications(
    items: readonly NotificationItem[],
    deps: IntakeDeps,
): Promise<IntakeSummary> {
    const observedAt = deps.now().toISOString();
    const results = await Promise.all(
        items.map(async (item): Promise<boolean> => {
            const verdict = await verify(item, deps);
            if (!verdict.ok) {
                dropped('lifecycle notification', item, verdict.why, deps);
                return false;
            }
            const event = item.lifecycleEvent ?? '';
            if (!lifecycleEvents.has(event)) {
                dropped('lifecycle notification', item, `lifecycleEvent ${event.slice(0, 40)}`, deps);
                return false;
            }
            const message: LifecycleMessage = {
                schemaVersion: 1,
                lifecycleEvent: event as LifecycleMessage['lifecycleEvent'],
                subscriptionId: item.subscriptionId,
                mailbox: verdict.mailbox,
                observedAt,
            };
            await deps.lifecycle.enqueue(message);
            return true;
        }),
    );
    return summary(results);
}

function summary(results: readonly boolean[]): IntakeSummary {
    const accepted = results.filter(Boolean).length;
    return { accepted, dropped: results.length - accepted };
}
