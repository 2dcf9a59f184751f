import { randomUUID } from 'node:crypto';
import { routePermissions } from '../../domain/access/permissions';
import type { Services } from '../../composition/services';
import { systemClock } from '../../domain/ports/clock';
import { cancelAppointmentHandler } from '../handlers/cancelAppointment';
import {
    type CancellationJobsDeps,
    createCancellationJobHandler,
    getCancellationJobHandler,
    listCancellationJobItemsHandler,
    listCancellationJobsHandler,
    previewCancellationJobHandler,
    stopCancellationJobHandler,
} from '../handlers/cancellationJobs';
import { cancelEventHandler } from '../handlers/cancelEvent';
import { getCancellationHandler, listCancellationsHandler } from '../handlers/cancellations';
import { listDeliveriesHandler, recoverSubscriptionHandler, replayDeliveryHandler } from '../handlers/deliveries';
import { graphNotificationsHandler } from '../handlers/graphNotifications';
import { healthHandler } from '../handlers/health';
import { openApiHandler } from '../handlers/openapi';
import { listParkedNotificationsHandler, redriveParkedNotificationHandler } from '../handlers/parkedNotifications';
import { reconcileNowHandler } from '../handlers/reconcile';
import {
    createSubscriptionHandler,
    deleteSubscriptionHandler,
    getSubscriptionHandler,
    listSubscriptionsHandler,
    rotateSubscriptionSecretHandler,
    updateSubscriptionHandler,
} from '../handlers/subscriptions';
import { buildOpenApi3 } from '../openapi/openApi3';
import {
    cancelAppointmentBody,
    cancelAppointmentParameters,
    cancelEventBody,
    cancelEventParameters,
    cancellationJobCreateBody,
    cancellationJobPlanBody,
    cancellationJobItemListSchema,
    cancellationJobItemsQuery,
    cancellationJobListSchema,
    cancellationJobPreviewSchema,
    cancellationJobViewSchema,
    stopCancellationJobBody,
    cancellationListSchema,
    cancellationsListQuery,
    cancellationViewSchema,
    deliveriesListQuery,
    deliveryListSchema,
    deliveryViewSchema,
    healthSchema,
    openApiDocumentSchema,
    parkedNotificationListSchema,
    parkedNotificationsListQuery,
    parkedNotificationViewSchema,
    reconcileSummarySchema,
    recoverBody,
    recoveredSchema,
    rotatedSecretSchema,
    rotateSecretBody,
    subscriptionCreateBody,
    subscriptionCreatedSchema,
    subscriptionListSchema,
    subscriptionUpdateBody,
    subscriptionViewSchema,
    webhookPayloadSchema,
} from '../schemas';
import { type Access, defineRoute, type HttpRoute } from './contract';
import { eventCancelRoutes } from './eventCancelRoutes';

/*
 * Every HTTP route of the gateway, once: its name (function name and operationId), template, method, who may call
 * it, the schemas of its request and response, its handler, and how the connector shows it. The registrations
 * (functions/httpRoutes.ts), the catch-all's 405 table, the OpenAPI 3 document and the connector's Swagger 2.0 are
 * all read from this list. A new route is one entry here plus its handler.
 */

const cancelPermissions = [...routePermissions.eventCancel, ...routePermissions.bookingCancel];
const readRecords: Access = { kind: 'permission', anyOf: cancelPermissions, administrators: 'also' };
const operators: Access = { kind: 'permission', anyOf: routePermissions.subscriptions, administrators: 'also' };
const administrators: Access = { kind: 'administrators' };
/** Administrators, or an application the tenant policy grants `bulk` mailboxes (decided by the handlers). */
const bulkJobs: Access = { kind: 'bulkJobs' };
const recordLocation = 'The cancellation record (`/api/cancellations/{id}`).';

const eventCancels = eventCancelRoutes.map((route) =>
    defineRoute({
        name: route.name,
        template: route.route,
        method: 'POST',
        summary: 'Cancel an event',
        description:
            "Graph's `event: cancel`: the organizer's meeting is cancelled and the attendees get the comment. " +
            'Answers 202 with `Location` of the cancellation record.',
        tags: ['Events'],
        access: { kind: 'permission', anyOf: routePermissions.eventCancel },
        request: {
            body: { kind: 'graphAction', action: 'cancel', schema: cancelEventBody, spellings: cancelEventParameters },
        },
        response: {
            status: 202,
            description: 'Accepted: the cancellation was sent to Graph.',
            location: recordLocation,
        },
        handler: (services) => cancelEventHandler(route, services),
        ...(route.owner === 'users' && route.container === 'events'
            ? {
                  connector: {
                      operationId: 'CancelEvent',
                      summary: 'Cancel an event',
                      description:
                          "Cancels a meeting in the user's calendar; the attendees receive the comment. The user " +
                          'must be the organizer.',
                      visibility: 'important',
                      path: 'v1.0/users/{userId}/events/{eventId}/cancel',
                      parameters: {
                          userId: {
                              summary: 'User',
                              description: 'The user whose calendar holds the event: UPN or object id.',
                          },
                          eventId: { summary: 'Event id', description: 'The id of the event to cancel.' },
                      },
                      body: { definition: 'CancelEventBody', required: false },
                      success: { description: 'Accepted', location: 'The cancellation record.' },
                  },
              }
            : {}),
    }),
);

/** The three forms of `bookingAppointment: cancel`: `/solutions`, the SDKs' calendarView, and beta's older one. */
const bookingCancel = (name: string, template: string, form: 'solutions' | 'legacyBeta', connector = false) =>
    defineRoute({
        name,
        template,
        method: 'POST',
        summary: 'Cancel a booking appointment',
        description:
            "Graph's `bookingAppointment: cancel`: the customers get the message. Answers 204 with `Location` of " +
            'the cancellation record.',
        tags: ['Bookings'],
        access: { kind: 'permission', anyOf: routePermissions.bookingCancel },
        request: {
            body: {
                kind: 'graphAction',
                action: 'cancel',
                schema: cancelAppointmentBody,
                spellings: cancelAppointmentParameters,
            },
        },
        response: { status: 204, description: 'The appointment was cancelled.', location: recordLocation },
        handler: (services) =>
            cancelAppointmentHandler(
                { route: template, form },
                { ...services, defaultCancellationMessage: services.config.cancellation.defaultBookingMessage },
            ),
        ...(connector
            ? {
                  connector: {
                      operationId: 'CancelBookingAppointment',
                      summary: 'Cancel a booking appointment',
                      description: 'Cancels a Microsoft Bookings appointment; the customers receive the message.',
                      visibility: 'important',
                      path: 'v1.0/solutions/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
                      parameters: {
                          businessId: {
                              summary: 'Booking business',
                              description: 'The booking business id (its SMTP address, e.g. contoso@contoso.com).',
                          },
                          appointmentId: {
                              summary: 'Appointment id',
                              description: 'The id of the appointment to cancel.',
                          },
                      },
                      body: { definition: 'CancelAppointmentBody', required: false },
                      success: { description: 'Cancelled', location: 'The cancellation record.' },
                  },
              }
            : {}),
    });

export const httpRoutes: readonly HttpRoute[] = [
    ...eventCancels,
    bookingCancel(
        'cancelBookingAppointment',
        '{version}/solutions/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
        'solutions',
        true,
    ),
    // The SDKs also reach appointments through the business's calendarView.
    bookingCancel(
        'cancelBookingAppointment-calendarView',
        '{version}/solutions/bookingBusinesses/{businessId}/calendarView/{appointmentId}/cancel',
        'solutions',
    ),
    bookingCancel(
        'cancelBookingAppointment-legacyBeta',
        '{version}/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
        'legacyBeta',
    ),
    defineRoute({
        name: 'health',
        template: 'health',
        method: 'GET',
        summary: 'Health of the gateway',
        description:
            '200 when storage and Graph answer, 503 naming the one that did not; 200 `degraded` when Graph answers ' +
            'but refuses one of the permissions the gateway relies on. They are probed at most once per ' +
            '`HEALTH_CACHE_MS`. Anonymous: the statuses only. With a valid token of the tenant (no permission ' +
            "needed): each probe's duration and reason, and Graph's permissions by name (`calendars`, `bookings`, " +
            '`directory`); a token that is sent must be valid (401 otherwise).',
        tags: ['Operations'],
        access: { kind: 'public' },
        response: { status: 200, description: 'Healthy or degraded.', schema: healthSchema },
        handler: ({ tokens, health }) => healthHandler({ tokens, health }),
    }),
    defineRoute({
        name: 'getCancellation',
        template: 'cancellations/{id}',
        method: 'GET',
        summary: 'Get a cancellation',
        tags: ['Cancellations'],
        access: readRecords,
        response: { status: 200, description: 'The record.', schema: cancellationViewSchema },
        handler: (services) => getCancellationHandler({ store: services.cancellationStore }),
        connector: {
            operationId: 'GetCancellation',
            summary: 'Get a cancellation',
            description: 'Gets what the gateway recorded about one cancellation.',
            parameters: { id: { summary: 'Cancellation id', description: 'The id of the cancellation record.' } },
            success: { description: 'OK', definition: 'Cancellation' },
        },
    }),
    defineRoute({
        name: 'listCancellations',
        template: 'cancellations',
        method: 'GET',
        summary: 'List cancellations',
        description: "The caller's own records, or every record of the tenant for admins, newest first.",
        tags: ['Cancellations'],
        access: readRecords,
        request: { query: cancellationsListQuery },
        response: { status: 200, description: 'A page of records.', schema: cancellationListSchema },
        handler: (services) => listCancellationsHandler({ store: services.cancellationStore }),
        connector: {
            operationId: 'ListCancellations',
            summary: 'List cancellations',
            description: 'Lists your cancellations (every one of the tenant for admins), newest first.',
            query: {
                state: ['State', 'Only cancellations in this state.', 'important'],
                since: ['Since', 'Only cancellations created at or after this time (ISO 8601).', 'advanced'],
                $top: ['Top count', 'How many to return (1 to 200).', 'advanced'],
                $skiptoken: ['Skip token', 'The continuation token of the previous page.', 'advanced'],
            },
            success: { description: 'OK', definition: 'CancellationList' },
        },
    }),
    defineRoute({
        name: 'createCancellationJob',
        template: 'cancellationJobs',
        method: 'POST',
        summary: 'Cancel, end or decline every meeting of a mailbox over a window',
        description:
            "Offboarding: the user's meetings overlapping the window, each planned from Graph's data (cancel, " +
            'endSeries, decline, or skip with the reason). `dryRun: true` answers 200 with the plan and writes ' +
            'nothing; otherwise 202 with `Location` of the job, which works the meetings one at a time within the ' +
            "mailbox's sending budget. `Idempotency-Key` makes a retried create one job. For the " +
            '`Cancellations.Admin` app role.',
        tags: ['Cancellation jobs'],
        access: bulkJobs,
        request: { body: { kind: 'json', schema: cancellationJobCreateBody } },
        response: {
            status: 202,
            description: 'The job, queued.',
            schema: cancellationJobViewSchema,
            location: 'The job (`/api/cancellationJobs/{id}`).',
            alternative: {
                status: 200,
                description: 'The plan (dryRun: true): every meeting and its action; nothing was written.',
                schema: cancellationJobPreviewSchema,
            },
        },
        handler: (services) => createCancellationJobHandler(jobsDeps(services)),
        connector: {
            operationId: 'StartBulkCancellation',
            summary: 'Start bulk cancellation',
            description:
                "Starts a job that cancels, ends or declines a departing user's meetings over a window (administrators).",
            visibility: 'important',
            body: { definition: 'BulkCancellation', required: true, schema: cancellationJobPlanBody },
            success: {
                description: 'Accepted: the job is queued.',
                definition: 'BulkCancellationJob',
                location: 'The job (`/api/cancellationJobs/{id}`).',
            },
        },
    }),
    defineRoute({
        name: 'previewCancellationJob',
        template: 'cancellationJobs/preview',
        method: 'POST',
        summary: 'Preview a bulk cancellation',
        description:
            'Every meeting of the user overlapping the window with the action a job would give it (cancel, endSeries, ' +
            'decline, or skip with the reason); nothing is written. The same as `dryRun: true` on ' +
            '`POST /api/cancellationJobs`. For the `Cancellations.Admin` app role.',
        tags: ['Cancellation jobs'],
        access: bulkJobs,
        request: { body: { kind: 'json', schema: cancellationJobPlanBody } },
        response: {
            status: 200,
            description: 'The plan: every meeting and its action; nothing was written.',
            schema: cancellationJobPreviewSchema,
        },
        handler: (services) => previewCancellationJobHandler(jobsDeps(services)),
        connector: {
            operationId: 'PreviewBulkCancellation',
            summary: 'Preview bulk cancellation',
            description:
                "Lists every meeting of a departing user's calendar over a window with the action a job would take; writes nothing.",
            visibility: 'important',
            body: { definition: 'BulkCancellation', required: true },
            success: { description: 'The plan.', definition: 'BulkCancellationPlan' },
        },
    }),
    defineRoute({
        name: 'listCancellationJobs',
        template: 'cancellationJobs',
        method: 'GET',
        summary: 'List cancellation jobs',
        description: "The tenant's bulk cancellation jobs, newest first.",
        tags: ['Cancellation jobs'],
        access: bulkJobs,
        response: { status: 200, description: 'The jobs.', schema: cancellationJobListSchema },
        handler: (services) => listCancellationJobsHandler(jobsDeps(services)),
    }),
    defineRoute({
        name: 'getCancellationJob',
        template: 'cancellationJobs/{id}',
        method: 'GET',
        summary: 'Get a cancellation job',
        description: 'Its state, counts per action and outcome, start and finish, and the estimated finish.',
        tags: ['Cancellation jobs'],
        access: bulkJobs,
        response: { status: 200, description: 'The job.', schema: cancellationJobViewSchema },
        handler: (services) => getCancellationJobHandler(jobsDeps(services)),
        connector: {
            operationId: 'GetBulkCancellation',
            summary: 'Get bulk cancellation',
            description: 'Gets a bulk cancellation job: its state, counts per action and outcome, and times.',
            parameters: { id: { summary: 'Job id', description: 'The id of the bulk cancellation job.' } },
            success: { description: 'OK', definition: 'BulkCancellationJob' },
        },
    }),
    defineRoute({
        name: 'listCancellationJobItems',
        template: 'cancellationJobs/{id}/items',
        method: 'GET',
        summary: 'List the meetings of a cancellation job',
        description:
            'What became of each meeting: its action, outcome, Graph error, and the cancellation record of a cancel.',
        tags: ['Cancellation jobs'],
        access: bulkJobs,
        request: { query: cancellationJobItemsQuery },
        response: { status: 200, description: 'A page of meetings.', schema: cancellationJobItemListSchema },
        handler: (services) => listCancellationJobItemsHandler(jobsDeps(services)),
    }),
    defineRoute({
        name: 'stopCancellationJob',
        template: 'cancellationJobs/{id}/stop',
        method: 'POST',
        summary: 'Stop a cancellation job',
        description: 'No new meeting is started; a write already under way finishes and is recorded.',
        tags: ['Cancellation jobs'],
        access: bulkJobs,
        request: { body: { kind: 'json', schema: stopCancellationJobBody } },
        response: { status: 200, description: 'The job.', schema: cancellationJobViewSchema },
        handler: (services) => stopCancellationJobHandler(jobsDeps(services)),
    }),
    defineRoute({
        name: 'listSubscriptions',
        template: 'subscriptions',
        method: 'GET',
        summary: 'List webhook subscriptions',
        description: "The caller's own subscriptions, or every one of the tenant for administrators.",
        tags: ['Subscriptions'],
        access: operators,
        response: { status: 200, description: 'The subscriptions.', schema: subscriptionListSchema },
        handler: listSubscriptionsHandler,
    }),
    defineRoute({
        name: 'createSubscription',
        template: 'subscriptions',
        method: 'POST',
        summary: 'Create a webhook subscription',
        description:
            'Answers 201 with `Location` and the signing secret, shown this once. The subscription belongs to ' +
            "the caller; it receives the caller's own cancellations, or every one of the tenant (`scope: " +
            'tenant`, for administrators only and their default).',
        tags: ['Subscriptions'],
        access: operators,
        request: { body: { kind: 'domainRules', schema: subscriptionCreateBody } },
        response: {
            status: 201,
            description: 'Created.',
            schema: subscriptionCreatedSchema,
            location: 'The absolute URL of the subscription; DELETE it to unsubscribe.',
        },
        handler: createSubscriptionHandler,
        connector: {
            operationId: 'OnCancellation',
            summary: 'When a cancellation happens',
            description:
                'Triggers when an event or a booking appointment is cancelled through the gateway, or in ' +
                'Outlook, Teams or Bookings (origin outlook or bookings, seen by the feed of watched mailboxes and ' +
                'businesses), or when a cancellation is verified, drifts back, or fails.',
            visibility: 'important',
            body: { definition: 'SubscriptionCreateBody', required: true },
            success: {
                description: 'Subscribed',
                definition: 'SubscriptionCreated',
                location: 'DELETE it to unsubscribe.',
            },
            trigger: {
                hint: 'To see it work, cancel an event or appointment through the gateway.',
                content: {
                    description: 'A cancellation notification',
                    definition: 'CancellationNotification',
                    schema: webhookPayloadSchema,
                },
            },
        },
    }),
    defineRoute({
        name: 'getSubscription',
        template: 'subscriptions/{id}',
        method: 'GET',
        summary: 'Get a webhook subscription',
        tags: ['Subscriptions'],
        access: operators,
        response: { status: 200, description: 'The subscription.', schema: subscriptionViewSchema },
        handler: getSubscriptionHandler,
    }),
    defineRoute({
        name: 'updateSubscription',
        template: 'subscriptions/{id}',
        method: 'PATCH',
        summary: 'Enable, disable or relabel a webhook subscription',
        tags: ['Subscriptions'],
        access: operators,
        request: { body: { kind: 'domainRules', schema: subscriptionUpdateBody } },
        response: { status: 200, description: 'The subscription.', schema: subscriptionViewSchema },
        handler: updateSubscriptionHandler,
    }),
    defineRoute({
        name: 'deleteSubscription',
        template: 'subscriptions/{id}',
        method: 'DELETE',
        summary: 'Delete a webhook subscription',
        tags: ['Subscriptions'],
        access: operators,
        response: { status: 204, description: 'Deleted.' },
        handler: deleteSubscriptionHandler,
        connector: {
            operationId: 'DeleteSubscription',
            summary: 'Delete a subscription',
            description: 'Unsubscribes the trigger (the platform calls it when the flow is turned off).',
            visibility: 'internal',
            parameters: { id: { summary: 'Subscription id', description: 'The id of the subscription.' } },
            success: { description: 'Deleted' },
        },
    }),
    defineRoute({
        name: 'rotateSubscriptionSecret',
        template: 'subscriptions/{id}/rotateSecret',
        method: 'POST',
        summary: 'Rotate the signing secret',
        description: 'The previous secret stays valid for the grace period.',
        tags: ['Subscriptions'],
        access: operators,
        request: { body: { kind: 'json', schema: rotateSecretBody } },
        response: { status: 200, description: 'The new secret.', schema: rotatedSecretSchema },
        handler: rotateSubscriptionSecretHandler,
    }),
    defineRoute({
        name: 'recoverSubscription',
        template: 'subscriptions/{id}/recover',
        method: 'POST',
        summary: 'Resend failed deliveries of a subscription',
        tags: ['Deliveries'],
        access: operators,
        request: { body: { kind: 'json', schema: recoverBody } },
        response: { status: 202, description: 'How many deliveries were resent.', schema: recoveredSchema },
        handler: (services) => recoverSubscriptionHandler(deliveryDeps(services)),
    }),
    defineRoute({
        name: 'listDeliveries',
        template: 'deliveries',
        method: 'GET',
        summary: 'List webhook deliveries',
        description: "Deliveries of the caller's own subscriptions, or of every subscription for administrators.",
        tags: ['Deliveries'],
        access: operators,
        request: { query: deliveriesListQuery },
        response: { status: 200, description: 'Deliveries, newest first.', schema: deliveryListSchema },
        handler: (services) => listDeliveriesHandler(deliveryDeps(services)),
    }),
    defineRoute({
        name: 'replayDelivery',
        template: 'deliveries/{id}/replay',
        method: 'POST',
        summary: 'Send a delivery again',
        description:
            "A delivery of someone else's subscription is not found (404) unless the caller is an administrator.",
        tags: ['Deliveries'],
        access: operators,
        response: { status: 202, description: 'The delivery, queued again.', schema: deliveryViewSchema },
        handler: (services) => replayDeliveryHandler(deliveryDeps(services)),
    }),
    defineRoute({
        name: 'listParkedNotifications',
        template: 'parkedNotifications',
        method: 'GET',
        summary: 'List notifications whose fan-out was poisoned',
        description:
            'Notifications the fan-out failed on every try: `redriving` (sent again later, on a bounded schedule), ' +
            '`parked` (the schedule is used up; send it again with redrive) or `unreadable`.',
        tags: ['Deliveries'],
        access: administrators,
        request: { query: parkedNotificationsListQuery },
        response: { status: 200, description: 'A page of parked notifications.', schema: parkedNotificationListSchema },
        handler: (services) => listParkedNotificationsHandler(services.poisonDrain),
    }),
    defineRoute({
        name: 'redriveParkedNotification',
        template: 'parkedNotifications/{id}/redrive',
        method: 'POST',
        summary: 'Send a parked notification again',
        tags: ['Deliveries'],
        access: administrators,
        response: { status: 202, description: 'Queued again.', schema: parkedNotificationViewSchema },
        handler: (services) => redriveParkedNotificationHandler(services.poisonDrain),
    }),
    defineRoute({
        name: 'reconcile',
        template: 'reconcile',
        method: 'POST',
        summary: 'Run reconciliation now',
        tags: ['Operations'],
        access: administrators,
        response: { status: 200, description: 'The summary of the pass.', schema: reconcileSummarySchema },
        handler: (services) => reconcileNowHandler({ reconcile: services.reconcile }),
    }),
    graphCallback('graphNotifications', 'graph/notifications', 'changes'),
    graphCallback('graphLifecycleNotifications', 'graph/lifecycle', 'lifecycle'),
    defineRoute({
        name: 'getOpenApiDocument',
        template: 'openapi.json',
        method: 'GET',
        summary: 'This OpenAPI document',
        tags: ['Operations'],
        access: { kind: 'public' },
        response: { status: 200, description: 'OpenAPI 3.0 document.', schema: openApiDocumentSchema },
        handler: () => openApiHandler((serverUrl) => buildOpenApi3(httpRoutes, serverUrl)),
    }),
];

/**
 * Where Microsoft Graph posts the feed's change and lifecycle notifications (issue 18). Anonymous at the HTTP level
 * (Graph sends no token): each item is authenticated by its subscription's `clientState`. Not in the connector.
 */
function graphCallback(name: string, template: string, kind: 'changes' | 'lifecycle') {
    return defineRoute({
        name,
        template,
        method: 'POST',
        summary:
            kind === 'changes'
                ? "Graph's change notifications (the feed)"
                : "Graph's lifecycle notifications (the feed)",
        description:
            'Called by Microsoft Graph only. `?validationToken=` (the handshake when a subscription is created) is ' +
            'answered 200 with the token as `text/plain`. Otherwise Graph\'s batch `{ "value": [...] }`: each item ' +
            "whose `clientState` is its subscription's is queued, the rest dropped; 202 either way.",
        tags: ['Graph callbacks'],
        access: { kind: 'public' },
        response: { status: 202, description: 'Accepted (queued, or dropped when not authentic).' },
        handler: (services) => graphNotificationsHandler(kind, services.feed.intake),
    });
}

function jobsDeps(services: Services): CancellationJobsDeps {
    const { store, queue, events } = services.cancellationJobs;
    return {
        events,
        policy: services.access.policy,
        directory: services.access.directory,
        discover: { graph: services.bulkCalendar, records: services.cancellationStore },
        jobs: store,
        queue,
        idempotency: services.idempotency,
        clock: systemClock,
        newId: randomUUID,
        pacing: services.config.bulk,
    };
}

function deliveryDeps(services: Services) {
    const { deliveries, subscriptionStore, deliver } = services;
    return { deliveries, subscriptions: subscriptionStore, queue: deliver.queue, clock: systemClock };
}
