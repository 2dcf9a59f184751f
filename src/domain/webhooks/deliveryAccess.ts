import type { Delivery, DeliveryPage, DeliveryStore, ListDeliveriesPageQuery } from './delivery';
import type { Subscription, SubscriptionStore } from './subscription';
import { mayManageSubscription, type SubscriptionManager } from './subscriptionAccess';
import type { Stored } from '../shared/stored';

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
 * One page of the deliveries the manager may see, newest first. An administrator, or anyone naming one subscription
 * they own, pages through one ordered index. Anyone else owning several subscriptions gets the newest `pageSize` of
 * them merged (a caller owns a few), without a next page: to page further, filter by `subscriptionId`.
 */
export async function listVisibleDeliveries(
    manager: SubscriptionManager,
    query: Omit<ListDeliveriesPageQuery, 'tenantId'>,
    deps: DeliveryAccessDeps,
): Promise<DeliveryPage> {
    const { tenantId } = manager.owner;
    if (manager.administrator) return deps.deliveries.listPage({ ...query, tenantId });
    let owned: readonly string[];
    if (query.subscriptionId !== undefined) {
        owned = (await visibleSubscription(manager, query.subscriptionId, deps)) ? [query.subscriptionId] : [];
    } else {
        const all = await deps.subscriptions.list(tenantId);
        owned = all.filter((subscription) => mayManageSubscription(manager, subscription)).map((s) => s.id);
    }
    const [only] = owned;
    if (owned.length === 0 || only === undefined) return { items: [] };
    if (owned.length === 1) return deps.deliveries.listPage({ ...query, tenantId, subscriptionId: only });
    const { continuationToken: _ignored, pageSize, ...filters } = query;
    const pages = await Promise.all(
        owned.map((subscriptionId) => deps.deliveries.list({ ...filters, tenantId, subscriptionId, limit: pageSize })),
    );
    const items = pages
        .flat()
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id))
        .slice(0, pageSize);
    return { items };
}
