import { type CancellationOrigin, type CancellationRecord, originOf } from '../cancellation/record';
import type { NotificationEventType } from '../notifications/notificationMessage';
import type { Stored } from '../shared/stored';

/** A signing secret: `whsec_` + base64 of random bytes (Standard Webhooks). */
export interface SigningSecret {
    readonly secret: string;
    readonly createdAt: string;
    /** Set on a rotated-out secret: it still signs (a second signature) until then, so receivers can switch over. */
    readonly expiresAt?: string | undefined;
}

export type DisabledReason = 'gone' | 'failing' | 'manual';

/**
 * Who created a subscription, from the validated token: a user (tenant + object id) or an app (tenant + its service
 * principal's object id, and its app id). The owner manages it; what it receives follows its {@link SubscriptionScope}.
 */
export interface SubscriptionOwner {
    /** Absent on subscriptions stored before the owner's kind was recorded (only `createdBy` was). */
    readonly kind?: 'user' | 'app' | undefined;
    readonly tenantId: string;
    readonly objectId: string;
    readonly appId: string;
}

export const subscriptionScopes = ['tenant', 'owner'] as const;

/**
 * What a subscription receives: `tenant`, every record's notifications (administrators only); `owner`, only those
 * about records its owner may read (the owner made them).
 */
export type SubscriptionScope = (typeof subscriptionScopes)[number];

/** A webhook endpoint that wants some event types of one tenant. */
export interface Subscription {
    readonly id: string;
    readonly tenantId: string;
    readonly notificationUrl: string;
    readonly eventTypes: readonly NotificationEventType[];
    readonly clientState?: string | undefined;
    readonly description?: string | undefined;
    readonly enabled: boolean;
    readonly disabledReason?: DisabledReason | undefined;
    readonly createdAt: string;
    readonly updatedAt: string;
    /** Who created it, and so who may see and manage it besides administrators. */
    readonly owner: SubscriptionOwner;
    readonly scope: SubscriptionScope;
    /** Only records of these origins (issue 18's feed); absent: every origin. */
    readonly origins?: readonly CancellationOrigin[] | undefined;
    /** Current secret first; a rotated-out one follows until it expires. */
    readonly secrets: readonly SigningSecret[];
    /** Start of the current unbroken run of failed deliveries; cleared by a success. */
    readonly failingSince?: string | undefined;
}

/** Whether the subscription wants notifications about a record of this origin (its `origins` filter). */
export function wantsOrigin(subscription: Subscription, record: CancellationRecord): boolean {
    return subscription.origins === undefined || subscription.origins.includes(originOf(record));
}

/** Webhook subscriptions (Azure Table `subscriptions`), one partition per tenant, ETag concurrency. */
export interface SubscriptionStore {
    create(subscription: Subscription): Promise<Stored<Subscription>>;
    /** Throws ConcurrencyConflict (src/domain/cancellation/store.ts) when the ETag no longer matches. */
    update(subscription: Subscription, etag: string): Promise<Stored<Subscription>>;
    get(tenantId: string, id: string): Promise<Stored<Subscription> | null>;
    delete(tenantId: string, id: string): Promise<void>;
    list(tenantId: string): Promise<readonly Subscription[]>;
    /** Enabled subscriptions of the tenant that want `eventType`. */
    listMatching(tenantId: string, eventType: NotificationEventType): Promise<readonly Subscription[]>;
}
