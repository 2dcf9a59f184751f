// zod/mini: the settings import this module's retry schedule when the app loads (src/config/schema.ts).
import * as z from 'zod/mini';
import '../shared/zodMini';
import type { NotificationEventType } from '../notifications/notificationMessage';
import type { Stored } from '../shared/stored';

export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/**
 * One notification for one subscription. Its id is the `webhook-id`: derived from the notification message and the
 * subscription, so a notification fanned out twice (at-least-once) maps onto the same delivery and receivers dedupe.
 */
export interface Delivery {
    readonly id: string;
    readonly tenantId: string;
    readonly subscriptionId: string;
    readonly messageId: string;
    /** What the notification is about: a cancellation record, or a bulk cancellation job. */
    readonly cancellationId?: string | undefined;
    readonly jobId?: string | undefined;
    readonly eventType: NotificationEventType;
    readonly state: DeliveryState;
    /** The JSON body, fixed when the delivery is created so that every attempt and replay sends the same bytes. */
    readonly body: string;
    /** Attempts made so far. */
    readonly attempts: number;
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly lastAttemptAt?: string | undefined;
    readonly nextAttemptAt?: string | undefined;
    /** The endpoint's status, or the transport problem, of the last attempt. */
    readonly lastStatus?: number | undefined;
    readonly lastError?: string | undefined;
}

export interface ListDeliveriesQuery {
    readonly tenantId: string;
    readonly state?: DeliveryState | undefined;
    readonly subscriptionId?: string | undefined;
    /** Created at or after this ISO 8601 instant. */
    readonly since?: string | undefined;
    readonly limit: number;
}

/** One page of a listing: `continuationToken` names the next page, absent on the last. */
export interface ListDeliveriesPageQuery extends Omit<ListDeliveriesQuery, 'limit'> {
    /** 1..1000. */
    readonly pageSize: number;
    readonly continuationToken?: string | undefined;
}

export interface DeliveryPage {
    readonly items: readonly Delivery[];
    readonly continuationToken?: string | undefined;
}

/** What one purge run did. */
export interface DeliveryPurgeSummary {
    /** Deliveries created before the cutoff, deleted. */
    readonly deleted: number;
    /** Rows of an earlier key layout moved to the current one (see the Table store). */
    readonly migrated: number;
}

/** Webhook deliveries (Azure Table `deliveries`), one partition per tenant, ETag concurrency. */
export interface DeliveryStore {
    /** Inserts the delivery unless one with its id exists; returns whichever is stored. */
    createIfAbsent(delivery: Delivery): Promise<Stored<Delivery>>;
    /** Throws ConcurrencyConflict when the ETag no longer matches. */
    update(delivery: Delivery, etag: string): Promise<Stored<Delivery>>;
    get(tenantId: string, id: string): Promise<Stored<Delivery> | null>;
    /** Newest first, at most `limit`. */
    list(query: ListDeliveriesQuery): Promise<readonly Delivery[]>;
    /** Newest first, a page at a time, in order however many there are. */
    listPage(query: ListDeliveriesPageQuery): Promise<DeliveryPage>;
    /**
     * Deletes deliveries created before `before` (ISO 8601), at most `limit` per call, each only if it did not change
     * meanwhile; the rest go on the next call.
     */
    purgeCreatedBefore(tenantId: string, before: string, limit: number): Promise<DeliveryPurgeSummary>;
}

/** A unit of work on the deliveries queue: make attempt `attempt` of one delivery. */
export const deliveryJobSchema = z.strictObject({
    schemaVersion: z.literal(1),
    tenantId: z.guid(),
    deliveryId: z.string().check(z.minLength(1), z.maxLength(100)),
    attempt: z.number().check(z.int(), z.gte(1), z.lte(100)),
});

export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

/**
 * Which queue a delivery job goes on. Each lane has its own queue function and so its own batch of concurrent slots:
 * `first`, first attempts to subscriptions in good standing; `retry`, every retry, every replay, and every attempt
 * to a subscription currently failing. An endpoint that hangs or fails then holds slots only in `retry`, and cannot
 * delay a healthy endpoint's first attempts however many of its deliveries wait for the timeout.
 */
export type DeliveryLane = 'first' | 'retry';

export interface DeliveryQueue {
    enqueue(job: DeliveryJob, delayMs: number, lane: DeliveryLane): Promise<void>;
}

/** The lane of a delivery's first attempt: `retry` while its subscription's endpoint is failing (`failingSince`). */
export function firstAttemptLane(subscription: { readonly failingSince?: string | undefined }): DeliveryLane {
    return subscription.failingSince === undefined ? 'first' : 'retry';
}

/**
 * When each attempt is made, counted from the previous one: Svix's published retry schedule (https://docs.svix.com/retries), 8 attempts over
 * about 27.6 hours. Re-enqueued with a visibility delay, not left to the host's immediate retry.
 */
export const retryScheduleMs: readonly number[] = [
    0,
    5_000,
    5 * 60_000,
    30 * 60_000,
    2 * 3_600_000,
    5 * 3_600_000,
    10 * 3_600_000,
    10 * 3_600_000,
];
