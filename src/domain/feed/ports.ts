import type { Stored } from '../shared/stored';

/** The directory questions the feed's scope asks (Graph's `/users`, group members), app-only. */
export interface WatchDirectory {
    /** The user's object id, by object id or UPN; `null` when there is none. */
    findUserId(idOrUpn: string): Promise<string | null>;
    /** Every user of the tenant (object ids), every `@odata.nextLink` page. */
    listUserIds(): Promise<readonly string[]>;
    /** The group's members that are users (object ids, nested groups' too); `null` when the group does not exist. */
    listGroupMemberIds(groupId: string): Promise<readonly string[] | null>;
}

/** What the gateway asks Graph to create: a subscription on one mailbox's events. */
export interface SubscriptionRequest {
    /** User object id of the watched mailbox. */
    readonly mailbox: string;
    readonly notificationUrl: string;
    readonly lifecycleNotificationUrl: string;
    readonly clientState: string;
    /** ISO 8601 UTC. */
    readonly expiresAt: string;
}

export interface CreatedSubscription {
    readonly id: string;
    /** What Graph granted (it may shorten what was asked). */
    readonly expiresAt: string;
}

/** Graph's `/subscriptions` for the feed. A 404 on renew is `'gone'` (Graph removed it); other errors throw. */
export interface SubscriptionGraph {
    create(request: SubscriptionRequest): Promise<CreatedSubscription>;
    renew(subscriptionId: string, expiresAt: string): Promise<{ readonly expiresAt: string } | 'gone'>;
    /** Deletes it; one Graph no longer has is already deleted. */
    remove(subscriptionId: string): Promise<void>;
}

export interface DeltaChange {
    /** Immutable id of the event. */
    readonly eventId: string;
    /** `@removed` in Graph's answer: deleted, or moved out of the window. */
    readonly removed: boolean;
}

export interface DeltaPage {
    readonly changes: readonly DeltaChange[];
    /** The link to ask next time (Graph's `@odata.deltaLink`). */
    readonly deltaLink: string;
}

/** A mailbox's calendar view delta (`/users/{id}/calendarView/delta`, every page followed, immutable ids). */
export interface CalendarDeltaGraph {
    /**
     * From the stored link, or from scratch over the window. `'expired'`: Graph no longer knows the link (410),
     * a full sync is due.
     */
    delta(
        mailbox: string,
        from: { readonly deltaLink: string } | { readonly start: string; readonly end: string },
    ): Promise<DeltaPage | 'expired'>;
}

/** One watched mailbox's Graph subscription as the gateway keeps it (table `graphsubscriptions`). */
export interface WatchedMailbox {
    /** User object id. */
    readonly mailbox: string;
    /** `active`: Graph has a subscription; `missing`: to be created on the next pass (it failed or was removed). */
    readonly state: 'active' | 'missing';
    readonly subscriptionId?: string | undefined;
    /** The per-subscription secret Graph echoes in each notification's `clientState`. Never logged. */
    readonly clientState?: string | undefined;
    /** ISO 8601 UTC. */
    readonly expiresAt?: string | undefined;
    /** Graph's `@odata.deltaLink` of the mailbox's calendar view, for catch-up after `missed`. */
    readonly deltaLink?: string | undefined;
    /** The last Graph error creating or renewing it (code and message, no secret). */
    readonly lastError?: string | undefined;
    readonly updatedAt: string;
}

/** What a notification's `subscriptionId` tells the intake: whose it is and the secret to compare. */
export interface SubscriptionSecret {
    readonly mailbox: string;
    readonly clientState: string;
}

export interface FeedSubscriptionStore {
    listMailboxes(): Promise<readonly Stored<WatchedMailbox>[]>;
    getMailbox(mailbox: string): Promise<Stored<WatchedMailbox> | null>;
    /**
     * Creates (`etag` undefined) or replaces the row, keeping the subscription id index in step: the index row of
     * `previousSubscriptionId` goes, that of the row's `subscriptionId` comes. A lost race is a `ConcurrencyConflict`.
     */
    saveMailbox(
        row: WatchedMailbox,
        etag: string | undefined,
        previousSubscriptionId?: string,
    ): Promise<Stored<WatchedMailbox>>;
    removeMailbox(row: Stored<WatchedMailbox>): Promise<void>;
    findSubscription(subscriptionId: string): Promise<SubscriptionSecret | null>;
}
