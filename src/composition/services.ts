import { randomBytes, randomUUID } from 'node:crypto';
import { createGraphCredential } from '../adapters/graph/credential';
import { GraphBatchClient } from '../adapters/graph/graphBatch';
import { GraphBookings } from '../adapters/graph/graphBookings';
import { GraphBulkCalendar } from '../adapters/graph/graphBulkCalendar';
import { GraphCalendar } from '../adapters/graph/graphCalendar';
import { GraphClient, type GraphClientOptions } from '../adapters/graph/graphClient';
import { GraphDirectory } from '../adapters/graph/graphDirectory';
import { GraphBookingsFeed } from '../adapters/graph/graphBookingsFeed';
import { GraphFeedCalendar } from '../adapters/graph/graphFeedCalendar';
import { graphProbe } from '../adapters/graph/graphProbe';
import { cancellationJobsQueueName, StorageJobQueue } from '../adapters/queues/cancellationJobQueue';
import { deliveryQueueNames, StorageDeliveryQueue } from '../adapters/queues/deliveryQueue';
import { JsonQueue } from '../adapters/queues/jsonQueue';
import {
    notificationRedriveQueue,
    notificationsQueueName,
    StorageNotificationQueue,
} from '../adapters/queues/notificationQueue';
import { storageClients } from '../adapters/storage/storageClients';
import { StorageFeedChangeQueue } from '../adapters/queues/feedChangeQueue';
import { graphChangesQueueName, graphLifecycleQueueName } from '../domain/feed/queueNames';
import { createFeedServices, type FeedServices } from './feedServices';
import { storageProbe } from '../adapters/storage/storageProbe';
import { TableBookingSnapshotStore } from '../adapters/tables/bookingSnapshotStore';
import { TableBulkJobStore } from '../adapters/tables/bulkJobStore';
import { TableCancellationStore } from '../adapters/tables/cancellationStore';
import { TableDeliveryStore } from '../adapters/tables/deliveryStore';
import { TableIdempotencyStore } from '../adapters/tables/idempotencyStore';
import { TableParkedNotificationStore } from '../adapters/tables/parkedNotificationStore';
import { TableSubscriptionStore } from '../adapters/tables/subscriptionStore';
import { GuardedWebhookSender } from '../adapters/webhooks/guardedWebhookSender';
import { registrationTargetCheck } from '../adapters/webhooks/registrationCheck';
import { createTokenValidator, type TokenValidator } from '../auth/tokenValidator';
import type { GatewayConfig } from '../config/config';
import type { BookingAccessDependencies } from '../domain/access/accessDependencies';
import type { BulkJobStore, JobQueue } from '../domain/bulk/job';
import { storedPacer } from '../domain/bulk/pacing';
import type { BulkCalendarGraph } from '../domain/bulk/ports';
import type { JobEventDeps } from '../domain/bulk/jobEvents';
import type { RunJobDeps } from '../domain/bulk/runJob';
import { cachedBookingStaffDirectory, cachedDirectory } from '../domain/access/cachedPorts';
import { CancellationService } from '../domain/cancellation/cancellationService';
import { NotificationRelay } from '../domain/cancellation/notificationRelay';
import type { CancellationStore } from '../domain/cancellation/store';
import type { BookingsPollDeps } from '../domain/feed/bookingsPoll';
import type { FeedWorkerDeps } from '../domain/feed/handleFeedChange';
import { RecentlyRecordedCopies } from '../domain/feed/recentlyRecordedCopies';
import { systemClock } from '../domain/ports/clock';
import type { DeliverDeps } from '../domain/webhooks/deliver';
import type { DeliveryLane, DeliveryStore } from '../domain/webhooks/delivery';
import type { FanOutDeps } from '../domain/webhooks/fanOut';
import type { PoisonDeps } from '../domain/webhooks/poison';
import type { SubscriptionStore } from '../domain/webhooks/subscription';
import { SubscriptionService } from '../domain/webhooks/subscriptionService';
import {
    defaultMaxBatchesInFlight,
    graphItemsInFlightPerMailbox,
    lookupMany,
} from '../domain/reconciliation/graphLookups';
import type { ReconcileDeps } from '../domain/reconciliation/reconciler';
import type { TokenCredential } from '@azure/identity';
import type { TableClient } from '@azure/data-tables';
import { firstNamedMailbox } from '../domain/access/tenantPolicy';
import { cachedHealth } from '../health/cachedHealth';
import type { HealthReport } from '../health/checkHealth';
import type { IdempotencyOptions } from '../http/idempotency';
import { log } from '../observability/logger';
import { appConfig } from './appConfig';

/**
 * How reconciliation batches its Graph lookups: one batch per mailbox in flight, at most
 * `RECONCILE_MAX_BATCHES_IN_FLIGHT` batches over all mailboxes (the default here), and Outlook's 4 requests per
 * mailbox (20-item batches, Graph runs 4 at once). A mailbox with an unfinished bulk job gets 3 (the reconciler passes
 * `maxPerMailboxFor`, src/domain/reconciliation/bulkJobHeadroom.ts): `lookupMany` cuts its batches to 3 items, leaving
 * the job's write room (issue 17). The bound is per batch, so it holds whichever instance sends it.
 */
export const reconcileLookupOptions = {
    maxPerMailbox: graphItemsInFlightPerMailbox,
    maxBatchesInFlight: defaultMaxBatchesInFlight,
    batchSize: 20,
} as const;
/** A job worker's invocation works this long, then hands on to the job's next message (function timeout: 5 min). */
export const bulkSliceMs = 120_000;
/** How long a job waits when Graph throttles a write beyond the client's own retries. */
export const bulkThrottledDelayMs = 60_000;
/** How often a job held back by the tenant's running-job limit looks again for a free slot. */
export const bulkTenantLimitRecheckMs = 30_000;
/** Due records reconciliation reads per page. */
export const reconcilePageSize = 500;

/**
 * Reconciliation's Graph lookups as the app composes them (also what bench:reconcile measures). They see throttling
 * themselves (they know the mailbox and the budget), so their batches are not retried by the HTTP client.
 */
export function reconcileLookups(
    graph: {
        readonly baseUrl: string;
        readonly credential: TokenCredential;
        readonly timeoutMs: number;
    },
    maxBatchesInFlight: number = reconcileLookupOptions.maxBatchesInFlight,
): ReconcileDeps['lookups'] {
    const batches = new GraphBatchClient(new GraphClient({ ...graph, retryDeadlineMs: 0 }));
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    return (items, { deadline, maxPerMailboxFor }) =>
        lookupMany(
            items,
            { deadline, maxPerMailboxFor, ...reconcileLookupOptions, maxBatchesInFlight },
            { graph: batches, clock: systemClock, sleep },
        );
}

/** The URL (below the version) reconciliation asks Graph for one item (bench:reconcile's naive client asks the same). */
export { lookupUrl as reconcileLookupUrl } from '../adapters/graph/graphAddress';

/** The gateway's Graph client (also what bench:clients measures). */
export function graphClientOn(options: GraphClientOptions): GraphClient {
    return new GraphClient(options);
}

/** The cancellation store on a table client (also what bench:reconcile measures). */
export function cancellationStoreOn(table: TableClient): CancellationStore {
    return new TableCancellationStore(table);
}

/** What the function handlers depend on, built once from config. */
export interface Services {
    readonly config: GatewayConfig;
    /** Storage and Graph probed at most once per `HEALTH_CACHE_MS`, however many ask. */
    readonly health: () => Promise<HealthReport>;
    readonly tokens: TokenValidator;
    readonly access: BookingAccessDependencies;
    readonly cancellations: CancellationService;
    /** Graph's calendar view, series masters, decline and recurrence updates, for bulk cancellation jobs. */
    readonly bulkCalendar: BulkCalendarGraph;
    /** Bulk cancellation jobs: their store, their queue, and what their worker needs. */
    readonly cancellationJobs: {
        readonly store: BulkJobStore;
        readonly queue: JobQueue;
        readonly run: RunJobDeps;
        /** Sends the jobs' owed notifications (the stop route at once, reconciliation's timer later). */
        readonly events: JobEventDeps;
    };
    /** Notifications of accepted cancellations still being sent after their answer (drained at shutdown). */
    readonly notificationRelay: NotificationRelay;
    readonly cancellationStore: CancellationStore;
    readonly idempotency: IdempotencyOptions;
    readonly subscriptionStore: SubscriptionStore;
    readonly subscriptions: SubscriptionService;
    readonly deliveries: DeliveryStore;
    readonly fanOut: FanOutDeps;
    readonly deliver: DeliverDeps;
    readonly reconcile: ReconcileDeps;
    /** The `graph-changes` worker: classifies watched items changed outside the gateway (docs/feed.md). */
    readonly feedChanges: FeedWorkerDeps;
    /** The Bookings poll's timer: businesses, window, reads, snapshots, and the `graph-changes` queue. */
    readonly bookingsPoll: BookingsPollDeps;
    /** Where queue messages that can never be processed go, by trigger queue (deliveries: by lane). */
    readonly poison: {
        readonly notifications: JsonQueue;
        readonly deliveries: Readonly<Record<DeliveryLane, JsonQueue>>;
        readonly cancellationJobs: JsonQueue;
        readonly feedChanges: JsonQueue;
    };
    /** What the drains of those poison queues need: deliveries to mark failed, notifications to park and re-send. */
    readonly poisonDrain: PoisonDeps;
    /** The feed of outside cancellations: Graph's notifications in, subscriptions kept, lifecycle worked (issue 18). */
    readonly feed: FeedServices;
}

export function createServices(config: GatewayConfig, log: (message: string) => void): Services {
    const credential = createGraphCredential(config);
    const graph = new GraphClient({
        baseUrl: config.graph.baseUrl,
        credential,
        timeoutMs: config.graph.timeoutMs,
        retryDeadlineMs: config.graph.retryDeadlineMs,
    });
    // Reconciliation sees throttling itself (it knows the mailbox and its budget), and the health probe has its own
    // timeout: their calls are not retried here.
    const graphOnce = new GraphClient({
        baseUrl: config.graph.baseUrl,
        credential,
        timeoutMs: config.graph.timeoutMs,
        retryDeadlineMs: 0,
    });
    const directory = new GraphDirectory(graph);
    const calendar = new GraphCalendar(graph);
    const bookings = new GraphBookings(graph);
    const cacheOptions = { clock: systemClock, ttlMs: config.directoryCacheTtlMs };
    const storage = storageClients(config.storage);
    const cancellationStore = cancellationStoreOn(storage.table('cancellations'));
    const subscriptionStore = new TableSubscriptionStore(storage.table('subscriptions'));
    const deliveries = new TableDeliveryStore(storage.table('deliveries'));
    const deliveryQueue = new StorageDeliveryQueue({
        first: new JsonQueue(storage.queue(deliveryQueueNames.first)),
        retry: new JsonQueue(storage.queue(deliveryQueueNames.retry)),
    });
    const { webhooks } = config;
    const notifications = new StorageNotificationQueue(storage.queue(notificationsQueueName));
    const bulkCalendar = new GraphBulkCalendar(graph);
    const jobStore = new TableBulkJobStore(storage.table('cancellationjobs'));
    const jobQueue = new StorageJobQueue(new JsonQueue(storage.queue(cancellationJobsQueueName)));
    // The intake's FeedChangeQueue adapter (feed-intake branch) is the shared one; the poll sends through the same queue.
    const feedQueue = new JsonQueue(storage.queue(graphChangesQueueName));
    const notificationRelay = new NotificationRelay({ store: cancellationStore, notifications, log });
    const cancellations = new CancellationService({
        store: cancellationStore,
        calendar,
        bookings,
        relay: notificationRelay,
        notifications,
        clock: systemClock,
        newId: randomUUID,
        // An attempt in flight longer than the longest request is one a dead process left: take it over then.
        settings: { ...config.cancellation, inFlightLockMs: config.idempotency.lockMs },
        log,
    });
    const jobsRun: RunJobDeps = {
        store: jobStore,
        discover: { graph: bulkCalendar, records: cancellationStore },
        graph: bulkCalendar,
        cancellations,
        queue: jobQueue,
        notifications,
        clock: systemClock,
        pacer: storedPacer(jobStore, config.bulk),
        sliceMs: bulkSliceMs,
        throttledDelayMs: bulkThrottledDelayMs,
        tenantLimit: { maxRunningJobs: config.bulk.maxRunningJobs, recheckMs: bulkTenantLimitRecheckMs },
        log,
    };
    return {
        config,
        health: cachedHealth(
            [
                storageProbe(storage.tableService()),
                graphProbe(graphOnce, { calendarMailbox: firstNamedMailbox(config.tenantPolicy) }),
            ],
            {
                probeTimeoutMs: config.health.probeTimeoutMs,
                cacheMs: config.health.cacheMs,
                now: () => performance.now(),
            },
        ),
        tokens: createTokenValidator({
            tenantId: config.tenantId,
            audiences: [config.api.clientId, config.api.appIdUri],
            authorityHost: config.auth.authorityHost,
            v1IssuerHost: config.auth.v1IssuerHost,
            clockSkewSeconds: config.auth.clockSkewSeconds,
        }),
        access: {
            directory: cachedDirectory(directory, cacheOptions),
            bookingStaff: cachedBookingStaffDirectory(directory, cacheOptions),
            policy: config.tenantPolicy,
        },
        cancellationStore,
        notificationRelay,
        bulkCalendar,
        cancellationJobs: {
            store: jobStore,
            queue: jobQueue,
            run: jobsRun,
            events: { store: jobStore, notifications, clock: systemClock, log },
        },
        cancellations,
        idempotency: {
            store: new TableIdempotencyStore(storage.table('idempotency'), {
                retentionMs: config.idempotency.retentionMs,
            }),
            lockMs: config.idempotency.lockMs,
            retentionMs: config.idempotency.retentionMs,
            now: () => systemClock.now(),
        },
        subscriptionStore,
        subscriptions: new SubscriptionService({
            store: subscriptionStore,
            clock: systemClock,
            newId: randomUUID,
            randomBytes: (size) => randomBytes(size),
            validateTarget: registrationTargetCheck({
                allowLoopback: webhooks.allowLoopback,
                dnsTimeoutMs: webhooks.dnsTimeoutMs,
            }),
            settings: { allowLoopback: webhooks.allowLoopback, secretGraceMs: webhooks.secretGraceMs },
        }),
        deliveries,
        fanOut: {
            cancellations: cancellationStore,
            jobs: jobStore,
            subscriptions: subscriptionStore,
            deliveries,
            queue: deliveryQueue,
            clock: systemClock,
            log,
        },
        deliver: {
            deliveries,
            subscriptions: subscriptionStore,
            sender: new GuardedWebhookSender({
                allowLoopback: webhooks.allowLoopback,
                timeoutMs: webhooks.timeoutMs,
                dnsTimeoutMs: webhooks.dnsTimeoutMs,
                maxResponseBytes: webhooks.maxResponseBytes,
            }),
            queue: deliveryQueue,
            clock: systemClock,
            disableAfterFailingMs: webhooks.disableAfterFailingMs,
            retryScheduleMs: webhooks.retryScheduleMs,
            log,
        },
        reconcile: {
            store: cancellationStore,
            jobs: jobStore,
            notifications,
            log,
            lookups: reconcileLookups(
                { baseUrl: config.graph.baseUrl, credential, timeoutMs: config.graph.timeoutMs },
                config.reconcile.maxBatchesInFlight,
            ),
            calendar,
            bookings,
            clock: systemClock,
            settings: {
                budgetMs: config.reconcile.budgetMs,
                verifyDelayMs: config.cancellation.verifyDelayMs,
                maxCancelAttempts: config.reconcile.maxCancelAttempts,
                repairDrift: config.tenantPolicy.reconciliation.repairDrift,
                pageSize: reconcilePageSize,
                cancelRetryDelaysMs: config.reconcile.retryDelaysMs,
            },
        },
        feed: createFeedServices(
            config,
            graph,
            {
                subscriptions: storage.table('graphsubscriptions'),
                changes: storage.queue(graphChangesQueueName),
                lifecycle: storage.queue(graphLifecycleQueueName),
                lifecyclePoison: storage.queue(`${graphLifecycleQueueName}-poison`),
            },
            log,
        ),
        feedChanges: {
            store: cancellationStore,
            notifications,
            clock: systemClock,
            log,
            graph: new GraphFeedCalendar(graph),
            directory: cachedDirectory(directory, cacheOptions),
            newId: randomUUID,
            recentlyRecorded: new RecentlyRecordedCopies(systemClock),
        },
        bookingsPoll: {
            tenantId: config.tenantId,
            businesses: config.tenantPolicy.watch.bookingBusinesses,
            windowMs: config.feed.bookingsWindowMs,
            graph: new GraphBookingsFeed(graph),
            snapshots: new TableBookingSnapshotStore(storage.table('bookingsnapshots')),
            records: cancellationStore,
            queue: new StorageFeedChangeQueue(feedQueue),
            clock: systemClock,
            log,
        },
        poisonDrain: {
            deliveries,
            parked: new TableParkedNotificationStore(storage.table('parkednotifications')),
            redrive: notificationRedriveQueue(notifications),
            clock: systemClock,
            redriveDelaysMs: webhooks.notificationRedriveDelaysMs,
        },
        poison: {
            notifications: new JsonQueue(storage.queue(`${notificationsQueueName}-poison`)),
            deliveries: {
                first: new JsonQueue(storage.queue(`${deliveryQueueNames.first}-poison`)),
                retry: new JsonQueue(storage.queue(`${deliveryQueueNames.retry}-poison`)),
            },
            cancellationJobs: new JsonQueue(storage.queue(`${cancellationJobsQueueName}-poison`)),
            feedChanges: new JsonQueue(storage.queue(`${graphChangesQueueName}-poison`)),
        },
    };
}

let services: Services | undefined;

/**
 * The composition root, built on the first call of a function from the process's app settings (checked at load by
 * `checkSettingsAtLoad`, so a bad one stops the host before any call).
 */
export function getServices(): Services {
    services ??= createServices(appConfig(), (message) => log.warn(message));
    return services;
}
