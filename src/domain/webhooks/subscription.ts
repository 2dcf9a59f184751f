import type { NotificationEventType } from '../notifications/notificationMessage';
import type { Stored } from '../cancellation/record';

/** A signing secret: `whsec_` + base64 of random bytes (Standard Webhooks). */
export interface SigningSecret {
    readonly secret: string;
    readonly createdAt: string;
    /** Set on a rotated-out secret: it still signs (a second signature) until then, so receivers can switch over. */
    readonly expiresAt?: string | undefined;
}

export type DisabledReason = 'gone' | 'failing' | 'manual';

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
    /** Who created it (object id and app id from the token). */
    readonly createdBy: { readonly objectId: string; readonly appId: string };
    /** Current secret first; a rotated-out one follows until it expires. */
    readonly secrets: readonly SigningSecret[];
    /** Start of the current unbroken run of failed deliveries; cleared by a success. */
    readonly failingSince?: string | undefined;
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
