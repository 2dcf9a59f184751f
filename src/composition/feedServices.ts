import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { QueueClient } from '@azure/storage-queue';
import { GraphDirectory } from '../adapters/graph/graphDirectory';
import { GraphFeed } from '../adapters/graph/graphFeed';
import type { GraphClient } from '../adapters/graph/graphClient';
import { StorageFeedChangeQueue } from '../adapters/queues/feedChangeQueue';
import { JsonQueue } from '../adapters/queues/jsonQueue';
import { StorageLifecycleQueue } from '../adapters/queues/lifecycleQueue';
import { graphSubscriptionsTable, TableGraphSubscriptionStore } from '../adapters/tables/graphSubscriptionStore';
import type { GatewayConfig } from '../config/config';
import { createTtlCache } from '../domain/access/ttlCache';
import type { IntakeDeps } from '../domain/feed/intake';
import type { LifecycleDeps } from '../domain/feed/lifecycle';
import type { FeedSubscriptionStore, SubscriptionSecret } from '../domain/feed/ports';
import type { RenewalDeps } from '../domain/feed/renewal';
import { systemClock } from '../domain/ports/clock';

/**
 * How long the notification endpoint trusts a subscription lookup: a burst of notifications for one mailbox reads
 * its row once, and a subscription replaced by the timer stops being accepted soon after.
 */
export const subscriptionLookupCacheMs = 10_000;

/** The feed's intake, timer and lifecycle worker (issue 18), wired from config. */
export interface FeedServices {
    /** What `POST /api/graph/notifications` and `/api/graph/lifecycle` need: no Graph, only the table and queues. */
    readonly intake: IntakeDeps;
    readonly renewal: RenewalDeps;
    readonly lifecycle: LifecycleDeps;
    /** Where a lifecycle message that can never be worked goes. */
    readonly lifecyclePoison: JsonQueue;
}

export interface FeedStorage {
    readonly subscriptions: TableClient;
    readonly changes: QueueClient;
    readonly lifecycle: QueueClient;
    readonly lifecyclePoison: QueueClient;
}

/** The feed's endpoints below FEED_NOTIFICATION_BASE_URL; none when it is unset (the feed is off). */
export function feedEndpoints(baseUrl: string | undefined) {
    return baseUrl === undefined
        ? undefined
        : {
              notificationUrl: `${baseUrl}/api/graph/notifications`,
              lifecycleNotificationUrl: `${baseUrl}/api/graph/lifecycle`,
          };
}

/** The table of watched mailboxes and their Graph subscriptions (bench/feed reads it through here). */
export { graphSubscriptionsTable };

export function feedSubscriptionStoreOn(table: TableClient): FeedSubscriptionStore {
    return new TableGraphSubscriptionStore(table);
}

export function createFeedServices(
    config: GatewayConfig,
    graph: GraphClient,
    storage: FeedStorage,
    log: (message: string) => void,
): FeedServices {
    const store = feedSubscriptionStoreOn(storage.subscriptions);
    const changes = new StorageFeedChangeQueue(new JsonQueue(storage.changes));
    const feedGraph = new GraphFeed(graph);
    const cached = createTtlCache<SubscriptionSecret | null>({ clock: systemClock, ttlMs: subscriptionLookupCacheMs });
    const renewal: RenewalDeps = {
        watch: config.tenantPolicy.watch,
        directory: new GraphDirectory(graph),
        store,
        graph: feedGraph,
        delta: feedGraph,
        clock: systemClock,
        // 32 random bytes, base64url: 43 characters, within Graph's 128.
        newSecret: () => randomBytes(32).toString('base64url'),
        settings: {
            endpoints: feedEndpoints(config.feed.notificationBaseUrl),
            subscriptionLifetimeMs: config.feed.subscriptionLifetimeMs,
            windowDays: config.feed.windowDays,
        },
        log,
    };
    return {
        intake: {
            tenantId: config.tenantId,
            findSubscription: (id) => cached(id, () => store.findSubscription(id)),
            changes,
            lifecycle: new StorageLifecycleQueue(new JsonQueue(storage.lifecycle)),
            now: () => systemClock.now(),
            log,
        },
        renewal,
        lifecycle: { ...renewal, changes, tenantId: config.tenantId },
        lifecyclePoison: new JsonQueue(storage.lifecyclePoison),
    };
}
