import type { Stored } from '../cancellation/record';
import type { Delivery, DeliveryStore, ListDeliveriesQuery } from './delivery';
import type { Subscription, SubscriptionStore } from './subscription';
import { mayManageSubscription, type SubscriptionManager } from './subscriptionAccess';

/**
 * Deliveries follow their subscription's owner: an administrator sees every delivery of the tenant, anyone else only
 * those of subscriptions they own. A delivery of someone else's (or of a deleted) subscription does not exist for them.
 */
export interface DeliveryAccessDeps {
    readonly deliveries: DeliveryStore;
    readonly subscriptions: SubscriptionStore;
}

/** The subscription if the manager may see it; `null` for an unknown id and for someone else's. */
export async function visibleSubscription(
    manager: SubscriptionManager,
    id: string,
    deps: Pick<DeliveryAccessDeps, 'subscriptions'>,
): Promise<Subscription | null> {
    const stored = await deps.subscriptions.get(manager.owner.tenantId, id);
    return stored && mayManageSubscription(manager, stored.value) ? stored.value : null;
}

/** The delivery if the manager may see its subscription; `null` otherwise. */
export async function visibleDelivery(
    manager: SubscriptionManager,
    id: string,
    deps: DeliveryAccessDeps,
): Promise<Stored<Delivery> | null> {
    const stored = await deps.deliveries.get(manager.owner.tenantId, id);
    if (!stored) return null;
    if (manager.administrator) return stored;
    return (await visibleSubscription(manager, stored.value.subscriptionId, deps)) ? stored : null;
}

/**
 * Deliveries the manager may see, newest first, at most `query.limit`. For anyone but an administrator this reads
 * each of their subscriptions' deliveries (a tenant holds at most a few hundred subscriptions, one caller a few) and
 * merges them.
 */
export async function listVisibleDeliveries(
    manager: SubscriptionManager,
    query: Omit<ListDeliveriesQuery, 'tenantId'>,
    deps: DeliveryAccessDeps,
): Promise<readonly Delivery[]> {
    const { tenantId } = manager.owner;
    if (manager.administrator) return deps.deliveries.list({ ...query, tenantId });
    let owned: readonly string[];
    if (query.subscriptionId !== undefined) {
        owned = (await visibleSubscription(manager, query.subscriptionId, deps)) ? [query.subscriptionId] : [];
    } else {
        const all = await deps.subscriptions.list(tenantId);
        owned = all.filter((subscription) => mayManageSubscription(manager, subscription)).map((s) => s.id);
    }
    const pages = await Promise.all(
        owned.map((subscriptionId) => deps.deliveries.list({ ...query, tenantId, subscriptionId })),
    );
    return pages
        .flat()
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
        .slice(0, query.limit);
}
