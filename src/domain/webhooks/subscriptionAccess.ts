import { type Caller } from '../access/caller';
import { isAdministrator } from '../access/permissions';
import { isOwnRecord } from '../access/readRules';
import type { CancellationRecord } from '../cancellation/record';
import type { Subscription, SubscriptionOwner } from './subscription';

/** Who is managing subscriptions: their identity and whether they administer the tenant. */
export interface SubscriptionManager {
    readonly owner: SubscriptionOwner;
    /** Sees and manages every subscription of the tenant, and may create tenant-wide ones. */
    readonly administrator: boolean;
}

export function subscriptionManager(caller: Caller): SubscriptionManager {
    return {
        owner: { kind: caller.kind, tenantId: caller.tenantId, objectId: caller.objectId, appId: caller.appId },
        administrator: isAdministrator(caller),
    };
}

/**
 * Whether `owner` is the manager: same tenant and object id (a user's, or an app's service principal's, which are
 * unique across the tenant). A subscription stored before the owner's kind was recorded matches on these alone.
 */
function isOwner(manager: SubscriptionManager, owner: SubscriptionOwner): boolean {
    const self = manager.owner;
    return (
        owner.tenantId === self.tenantId &&
        owner.objectId === self.objectId &&
        (owner.kind === undefined || owner.kind === self.kind)
    );
}

/** Administrators see and manage every subscription of their tenant; anyone else only their own. */
export function mayManageSubscription(manager: SubscriptionManager, subscription: Subscription): boolean {
    if (subscription.tenantId !== manager.owner.tenantId) return false;
    return manager.administrator || isOwner(manager, subscription.owner);
}

/**
 * Whether a notification about `record` goes to `subscription`: a tenant-wide one gets every record of its tenant;
 * an owner's gets only the records its owner made, which is the identity half of `mayReadRecord` (the permission
 * half was checked when the owner made the record).
 */
export function subscriptionReceives(subscription: Subscription, record: CancellationRecord): boolean {
    if (record.tenantId !== subscription.tenantId) return false;
    return subscription.scope === 'tenant' || isOwnRecord(subscription.owner, record);
}
