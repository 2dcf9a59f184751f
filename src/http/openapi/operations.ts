import type { HttpMethod } from '@azure/functions';
import type { z } from 'zod';
import { routePermissions } from '../../auth/permissions';
import { subscriptionRoutes } from '../handlers/subscriptions';
import { eventCancelRoutes } from '../routes/eventCancelRoutes';
import { bookingCancelRoutes, ownRoutes } from '../routes/routeTable';
import {
    cancelAppointmentBody,
    cancelEventBody,
    cancellationListSchema,
    cancellationsListQuery,
    cancellationViewSchema,
    deliveriesListQuery,
    deliveryListSchema,
    deliveryViewSchema,
    parkedNotificationListSchema,
    parkedNotificationsListQuery,
    parkedNotificationViewSchema,
    recoverBody,
    recoveredSchema,
    rotatedSecretSchema,
    subscriptionCreateBody,
    subscriptionCreatedSchema,
    subscriptionListSchema,
    subscriptionUpdateBody,
    subscriptionViewSchema,
} from '../schemas';

/** What the documents say about one method of one route of `routeTable`. */
export interface OperationInfo {
    readonly operationId: string;
    readonly summary: string;
    readonly description?: string;
    readonly tags: readonly string[];
    /** Any one of these, as a delegated scope or an application role; none (and no `administrators`): anonymous. */
    readonly permissions: readonly string[];
    /**
     * Whether the `Cancellations.Admin` app role (an app's, or a user's app-role assignment; never a delegated scope)
     * grants it too (`also`) or alone does (`only`). Administrators see the whole tenant where others see their own.
     */
    readonly administrators?: 'also' | 'only';
    readonly query?: z.ZodObject;
    readonly body?: z.ZodType;
    readonly success: { readonly status: number; readonly description: string; readonly schema?: z.ZodType };
    readonly location?: string;
}

const cancelPermissions = [...routePermissions.eventCancel, ...routePermissions.bookingCancel];
const readRecords = { permissions: cancelPermissions, administrators: 'also' } as const;
const operators = { permissions: routePermissions.subscriptions, administrators: 'also' } as const;
const administratorsOnly = { permissions: [], administrators: 'only' } as const;

const key = (method: HttpMethod, route: string) => `${method} ${route}`;

const table = new Map<string, OperationInfo>();

for (const route of eventCancelRoutes) {
    table.set(key('POST', route.route), {
        operationId: route.name,
        summary: 'Cancel an event',
        description:
            "Graph's `event: cancel`: the organizer's meeting is cancelled and the attendees get the comment. " +
            'Answers 202 with `Location` of the cancellation record.',
        tags: ['Events'],
        permissions: routePermissions.eventCancel,
        body: cancelEventBody,
        success: { status: 202, description: 'Accepted: the cancellation was sent to Graph.' },
        location: 'The cancellation record (`/api/cancellations/{id}`).',
    });
}
for (const route of bookingCancelRoutes) {
    table.set(key('POST', route.route), {
        operationId: route.name,
        summary: 'Cancel a booking appointment',
        description:
            "Graph's `bookingAppointment: cancel`: the customers get the message. Answers 204 with `Location` of " +
            'the cancellation record.',
        tags: ['Bookings'],
        permissions: routePermissions.bookingCancel,
        body: cancelAppointmentBody,
        success: { status: 204, description: 'The appointment was cancelled.' },
        location: 'The cancellation record (`/api/cancellations/{id}`).',
    });
}

const own: Array<[HttpMethod, string, OperationInfo]> = [
    [
        'GET',
        ownRoutes.health,
        {
            operationId: 'health',
            summary: 'Health of the gateway',
            description:
                '200 when storage and Graph answer, 503 naming the one that did not; they are probed at most once per ' +
                '`HEALTH_CACHE_MS`. Anonymous: the status only. With a valid token of the tenant (no permission ' +
                "needed): each probe's duration and reason; a token that is sent must be valid (401 otherwise).",
            tags: ['Operations'],
            permissions: [],
            success: { status: 200, description: 'Healthy.' },
        },
    ],
    [
        'GET',
        ownRoutes.cancellation,
        {
            operationId: 'getCancellation',
            summary: 'Get a cancellation',
            tags: ['Cancellations'],
            ...readRecords,
            success: { status: 200, description: 'The record.', schema: cancellationViewSchema },
        },
    ],
    [
        'GET',
        ownRoutes.cancellations,
        {
            operationId: 'listCancellations',
            summary: 'List cancellations',
            description: "The caller's own records, or every record of the tenant for admins, newest first.",
            tags: ['Cancellations'],
            ...readRecords,
            query: cancellationsListQuery,
            success: { status: 200, description: 'A page of records.', schema: cancellationListSchema },
        },
    ],
    [
        'GET',
        subscriptionRoutes.subscriptions,
        {
            operationId: 'listSubscriptions',
            summary: 'List webhook subscriptions',
            description: "The caller's own subscriptions, or every one of the tenant for administrators.",
            tags: ['Subscriptions'],
            ...operators,
            success: { status: 200, description: 'The subscriptions.', schema: subscriptionListSchema },
        },
    ],
    [
        'POST',
        subscriptionRoutes.subscriptions,
        {
            operationId: 'createSubscription',
            summary: 'Create a webhook subscription',
            description:
                'Answers 201 with `Location` and the signing secret, shown this once. The subscription belongs to ' +
                "the caller; it receives the caller's own cancellations, or every one of the tenant (`scope: " +
                'tenant`, for administrators only and their default).',
            tags: ['Subscriptions'],
            ...operators,
            body: subscriptionCreateBody,
            success: { status: 201, description: 'Created.', schema: subscriptionCreatedSchema },
            location: 'The absolute URL of the subscription; DELETE it to unsubscribe.',
        },
    ],
    [
        'GET',
        subscriptionRoutes.subscription,
        {
            operationId: 'getSubscription',
            summary: 'Get a webhook subscription',
            tags: ['Subscriptions'],
            ...operators,
            success: { status: 200, description: 'The subscription.', schema: subscriptionViewSchema },
        },
    ],
    [
        'PATCH',
        subscriptionRoutes.subscription,
        {
            operationId: 'updateSubscription',
            summary: 'Enable, disable or relabel a webhook subscription',
            tags: ['Subscriptions'],
            ...operators,
            body: subscriptionUpdateBody,
            success: { status: 200, description: 'The subscription.', schema: subscriptionViewSchema },
        },
    ],
    [
        'DELETE',
        subscriptionRoutes.subscription,
        {
            operationId: 'deleteSubscription',
            summary: 'Delete a webhook subscription',
            tags: ['Subscriptions'],
            ...operators,
            success: { status: 204, description: 'Deleted.' },
        },
    ],
    [
        'POST',
        subscriptionRoutes.rotateSecret,
        {
            operationId: 'rotateSubscriptionSecret',
            summary: 'Rotate the signing secret',
            description: 'The previous secret stays valid for the grace period.',
            tags: ['Subscriptions'],
            ...operators,
            success: { status: 200, description: 'The new secret.', schema: rotatedSecretSchema },
        },
    ],
    [
        'POST',
        ownRoutes.subscriptionRecover,
        {
            operationId: 'recoverSubscription',
            summary: 'Resend failed deliveries of a subscription',
            tags: ['Deliveries'],
            ...operators,
            body: recoverBody,
            success: { status: 202, description: 'How many deliveries were resent.', schema: recoveredSchema },
        },
    ],
    [
        'GET',
        ownRoutes.deliveries,
        {
            operationId: 'listDeliveries',
            summary: 'List webhook deliveries',
            description: "Deliveries of the caller's own subscriptions, or of every subscription for administrators.",
            tags: ['Deliveries'],
            ...operators,
            query: deliveriesListQuery,
            success: { status: 200, description: 'Deliveries, newest first.', schema: deliveryListSchema },
        },
    ],
    [
        'POST',
        ownRoutes.deliveryReplay,
        {
            operationId: 'replayDelivery',
            summary: 'Send a delivery again',
            description:
                "A delivery of someone else's subscription is not found (404) unless the caller is an administrator.",
            tags: ['Deliveries'],
            ...operators,
            success: { status: 202, description: 'The delivery, queued again.', schema: deliveryViewSchema },
        },
    ],
    [
        'GET',
        ownRoutes.parkedNotifications,
        {
            operationId: 'listParkedNotifications',
            summary: 'List notifications whose fan-out was poisoned',
            description:
                'Notifications the fan-out failed on every try: `redriving` (sent again later, on a bounded schedule), ' +
                '`parked` (the schedule is used up; send it again with redrive) or `unreadable`.',
            tags: ['Deliveries'],
            ...administratorsOnly,
            query: parkedNotificationsListQuery,
            success: {
                status: 200,
                description: 'A page of parked notifications.',
                schema: parkedNotificationListSchema,
            },
        },
    ],
    [
        'POST',
        ownRoutes.parkedNotificationRedrive,
        {
            operationId: 'redriveParkedNotification',
            summary: 'Send a parked notification again',
            tags: ['Deliveries'],
            ...administratorsOnly,
            success: { status: 202, description: 'Queued again.', schema: parkedNotificationViewSchema },
        },
    ],
    [
        'POST',
        ownRoutes.reconcile,
        {
            operationId: 'reconcile',
            summary: 'Run reconciliation now',
            tags: ['Operations'],
            ...administratorsOnly,
            success: { status: 200, description: 'The summary of the pass.' },
        },
    ],
    [
        'GET',
        'openapi.json',
        {
            operationId: 'getOpenApiDocument',
            summary: 'This OpenAPI document',
            tags: ['Operations'],
            permissions: [],
            success: { status: 200, description: 'OpenAPI 3.0 document.' },
        },
    ],
];
for (const [method, route, info] of own) table.set(key(method, route), info);

/** The documentation of `method route`; a route in `routeTable` with no entry gets a bare one. */
export function operationInfo(method: HttpMethod, route: string): OperationInfo {
    return (
        table.get(key(method, route)) ?? {
            operationId: `${method.toLowerCase()}-${route.replace(/[{}]/g, '').replace(/\//g, '-')}`,
            summary: `${method} /${route}`,
            tags: ['Other'],
            permissions: [],
            success: { status: 200, description: 'OK.' },
        }
    );
}
