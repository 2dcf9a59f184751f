import * as z from 'zod';
import { jobStates } from '../../domain/bulk/job';
import { cancellationOrigins, cancellationStates } from '../../domain/cancellation/record';
import { jobCountsSchema, jobError } from './cancellationJobs';
import { notificationEventTypes } from '../../domain/notifications/notificationMessage';
import { subscriptionScopes } from '../../domain/webhooks/subscription';
import {
    maxClientStateLength,
    maxDescriptionLength,
    maxNotificationUrlLength,
} from '../../domain/webhooks/subscriptionRules';

/*
 * The wire, described once: the handlers validate with these schemas (or derive their parameter lists from
 * them) and the OpenAPI 3 document and the connector's Swagger 2.0 are generated from them.
 */

// ---- Cancel actions (Graph action parameters, read with `actionParameters`) ----

/** `POST …/events/{id}/cancel` body: Graph's `cancel` action, an optional comment to the attendees. */
export const cancelEventBody = z
    .object({
        comment: z
            .string()
            .nullable()
            .optional()
            .describe('A comment sent to the attendees with the cancellation.')
            .meta({ title: 'Comment' }),
    })
    .strict()
    .describe('Body of the cancel action on an event.');

/** `POST …/appointments/{id}/cancel` body: the message customers receive. */
export const cancelAppointmentBody = z
    .object({
        cancellationMessage: z
            .string()
            .nullable()
            .optional()
            .describe('The message the customers receive; the configured default when empty.')
            .meta({ title: 'Message' }),
    })
    .strict()
    .describe('Body of the cancel action on a booking appointment.');

export type CancelEventBody = z.infer<typeof cancelEventBody>;
export type CancelAppointmentBody = z.infer<typeof cancelAppointmentBody>;

/** The accepted spellings of each parameter (Graph's docs use both `comment` and `Comment`). */
export const cancelEventParameters = {
    comment: ['comment', 'Comment'],
} as const satisfies Record<keyof z.infer<typeof cancelEventBody>, readonly string[]>;

export const cancelAppointmentParameters = {
    cancellationMessage: ['cancellationMessage'],
} as const satisfies Record<keyof z.infer<typeof cancelAppointmentBody>, readonly string[]>;

// ---- Cancellation records ----

const originSchema = z
    .enum(cancellationOrigins)
    .describe(
        'Where the cancellation was made: gateway (through this API), outlook (in Outlook or Teams, seen by the ' +
            'feed of Graph change notifications) or bookings (in Bookings, seen by the poll).',
    );

export const defaultCancellationsPageSize = 50;
export const maxCancellationsPageSize = 200;

/** `GET /api/cancellations` query (the handler's own validation). */
export const cancellationsListQuery = z.object({
    state: z.enum(cancellationStates as [string, ...string[]]).optional(),
    origin: z.enum(cancellationOrigins).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    $top: z.coerce.number().int().min(1).max(maxCancellationsPageSize).optional(),
    $skiptoken: z.string().min(1).max(4096).optional(),
});

const actor = z
    .object({
        kind: z.enum(['user', 'app']).meta({ title: 'Requested by (kind)' }),
        objectId: z.string().meta({ title: 'Requested by (object id)' }),
        userPrincipalName: z.string().optional().meta({ title: 'Requested by' }),
        appId: z.string().meta({ title: 'Requested by (app id)' }),
        basis: z
            .enum(['owner', 'delegate', 'groupMember', 'staff', 'policy', 'application', 'administrator', 'observed'])
            .optional()
            .describe(
                'Why the caller was allowed: owner (their own mailbox), delegate or policy (named in the tenant policy for the mailbox or booking business), groupMember, staff (administrator or scheduler of the booking business), application (the policy grants the app), administrator (the Cancellations.Admin app role, in a bulk cancellation job), observed (made outside the gateway, in Outlook or Bookings, and seen by the feed). Absent on records written before it was kept.',
            )
            .meta({ title: 'Requested by (allowed because)' }),
    })
    .describe('Who asked, from the validated token, and on what basis they were allowed.');

const recipient = z.object({
    name: z.string().optional().meta({ title: 'Name' }),
    address: z.string().optional().meta({ title: 'Email address' }),
    type: z
        .string()
        .describe('required | optional | resource for attendees; customer for booking customers.')
        .meta({ title: 'Recipient type' }),
    response: z.string().optional().meta({ title: 'Response' }),
    phone: z.string().optional().meta({ title: 'Phone' }),
});

const resourceView = z.object({
    version: z.enum(['v1.0', 'beta']),
    path: z.string().describe('The Graph path the gateway called, relative to the version.'),
    eventId: z.string().optional(),
    businessId: z.string().optional(),
    appointmentId: z.string().optional(),
    type: z.string().optional().describe("Graph's event type: singleInstance, occurrence, exception, seriesMaster."),
    seriesMasterId: z.string().optional(),
    iCalUId: z.string().optional(),
    subject: z.string().optional().meta({ title: 'Subject' }),
    start: z.string().optional().describe('ISO 8601, UTC.').meta({ title: 'Start (UTC)' }),
    end: z.string().optional().describe('ISO 8601, UTC.').meta({ title: 'End (UTC)' }),
});

const attemptView = z
    .object({
        requestedBy: actor,
        comment: z.string().optional(),
        cancellationMessage: z.string().optional(),
        dateTime: z.string(),
        by: z
            .enum(['reconciliation'])
            .optional()
            .describe("Set when reconciliation made the attempt on the record's behalf."),
        outcome: z
            .enum(['inFlight', 'accepted', 'foundDone', 'refused', 'unknown'])
            .describe(
                'inFlight: Graph is being called; accepted: Graph accepted the cancel; foundDone: Graph showed the item already gone or cancelled; refused: Graph refused; unknown: no answer.',
            ),
    })
    .describe('One request to cancel the item.');

const recordedError = z.object({ status: z.number().int(), code: z.string(), message: z.string() });

/** A cancellation record as `GET /api/cancellations…` shows it (`cancellationView`). */
export const cancellationViewSchema = z
    .object({
        id: z.string().meta({ title: 'Cancellation id' }),
        kind: z.enum(['event', 'bookingAppointment']),
        origin: originSchema,
        state: z.enum(cancellationStates as [string, ...string[]]),
        createdDateTime: z.string(),
        lastModifiedDateTime: z.string(),
        requestedBy: actor,
        resource: resourceView,
        comment: z.string().optional(),
        cancellationMessage: z.string().optional(),
        recipients: z.array(recipient),
        graphRequestIds: z.array(z.string()),
        attempts: z.number().int(),
        attemptHistory: z
            .array(attemptView)
            .describe(
                'Each request to cancel the item, oldest first. requestedBy and comment are those of the request that performed the cancel.',
            ),
        lastError: recordedError.optional(),
    })
    .describe('A cancellation the gateway recorded.');

export const cancellationListSchema = z.object({
    value: z.array(cancellationViewSchema),
    '@odata.nextLink': z.string().optional(),
});

export type CancellationsQuery = z.infer<typeof cancellationsListQuery>;
export type CancellationView = z.infer<typeof cancellationViewSchema>;
export type CancellationList = z.infer<typeof cancellationListSchema>;

// ---- Webhook subscriptions ----

const originsSchema = z
    .array(originSchema)
    .min(1)
    .describe(
        'Only cancellations of these origins (gateway, outlook, bookings); absent or null: every origin. ' +
            'Cannot change later.',
    )
    .meta({ title: 'Origins' });

export const eventTypeSchema = z.enum(notificationEventTypes);

export const subscriptionScopeSchema = z.enum(subscriptionScopes);

/** `POST /api/subscriptions` body (validated by `parseCreateInput`, which gives Graph-style error codes). */
export const subscriptionCreateBody = z
    .object({
        notificationUrl: z
            .string()
            .max(maxNotificationUrlLength)
            .describe('The https URL the gateway POSTs notifications to.'),
        eventTypes: z.array(eventTypeSchema).min(1).describe('Which events to be notified of.'),
        clientState: z
            .string()
            .min(1)
            .max(maxClientStateLength)
            .nullable()
            .optional()
            .describe('Echoed in every notification.'),
        description: z.string().max(maxDescriptionLength).nullable().optional(),
        scope: subscriptionScopeSchema
            .nullable()
            .optional()
            .describe(
                "'owner': notifications about your own cancellations only (the default without the " +
                    "Cancellations.Admin app role); 'tenant': every cancellation of the tenant (needs that app role, " +
                    'and is its default).',
            ),
        origins: originsSchema.nullable().optional(),
    })
    .strict();

/** What GET and PATCH show (`subscriptionView`): never a secret. */
export const subscriptionViewSchema = z.object({
    id: z.string(),
    notificationUrl: z.string(),
    eventTypes: z.array(eventTypeSchema),
    scope: subscriptionScopeSchema,
    origins: originsSchema.nullable(),
    clientState: z.string().nullable(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdDateTime: z.string(),
    lastModifiedDateTime: z.string(),
});

/** `POST /api/subscriptions` → 201: the view plus the signing secret, shown this once. */
export const subscriptionCreatedSchema = subscriptionViewSchema
    .omit({ disabledReason: true, lastModifiedDateTime: true })
    .extend({ secret: z.string().describe('The Standard Webhooks signing secret (whsec_…).') });

export const subscriptionListSchema = z.object({ value: z.array(subscriptionViewSchema) });

/** `PATCH /api/subscriptions/{id}` body. */
export const subscriptionUpdateBody = z
    .object({
        enabled: z.boolean().optional(),
        clientState: z.string().min(1).max(maxClientStateLength).nullable().optional(),
        description: z.string().max(maxDescriptionLength).nullable().optional(),
    })
    .strict();

export const rotatedSecretSchema = z.object({ secret: z.string(), previousSecretExpiresDateTime: z.string() });

/** `POST /api/subscriptions/{id}/rotateSecret` takes no parameters: an empty body or `{}`. */
export const rotateSecretBody = z.object({}).strict();

export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;
export type SubscriptionCreated = z.infer<typeof subscriptionCreatedSchema>;
export type SubscriptionList = z.infer<typeof subscriptionListSchema>;
export type RotatedSecret = z.infer<typeof rotatedSecretSchema>;

/**
 * The webhook payload (`webhookPayload`, `jobWebhookPayload`): Standard Webhooks `{type, timestamp, data}`. A
 * cancellation's notification carries `cancellationId`, `kind` and `resource`; a bulk job's (`cancellationJob.*`)
 * carries `jobId`, `mailbox`, `window` and `counts`. One object with both sets optional, because Swagger 2 (the
 * connector's trigger) has no `oneOf`.
 */
export const webhookPayloadSchema = z
    .object({
        type: eventTypeSchema.describe('What happened.').meta({ title: 'Event type' }),
        timestamp: z.string().describe('When it happened (ISO 8601 UTC).').meta({ title: 'Timestamp' }),
        data: z.object({
            cancellationId: z.string().optional().meta({ title: 'Cancellation id' }),
            kind: z.enum(['event', 'bookingAppointment']).optional().meta({ title: 'Kind' }),
            origin: originSchema.optional().meta({ title: 'Origin' }),
            state: z
                .enum([...new Set([...cancellationStates, ...jobStates])] as [string, ...string[]])
                .describe("The cancellation's state, or the job's (paused, completed, stopped, failed).")
                .meta({ title: 'State' }),
            requestedBy: actor,
            resource: resourceView.optional(),
            jobId: z.string().optional().meta({ title: 'Bulk cancellation job id' }),
            mailbox: z.string().optional().describe("The job's mailbox (UPN).").meta({ title: 'Mailbox' }),
            window: z.object({ start: z.string(), end: z.string() }).optional(),
            counts: jobCountsSchema.optional().describe("The job's meetings per action and per outcome."),
            startedDateTime: z.string().optional().meta({ title: 'Job started' }),
            finishedDateTime: z.string().optional().meta({ title: 'Job finished' }),
            resumeDateTime: z.string().optional().describe('When the paused job goes on by itself.'),
            error: jobError.optional().describe('Why the job failed.'),
            comment: z.string().optional().meta({ title: 'Comment' }),
            attendees: z.array(recipient).optional(),
            cancellationMessage: z.string().optional().meta({ title: 'Cancellation message' }),
            customers: z.array(recipient).optional(),
            clientState: z.string().optional(),
        }),
    })
    .describe('A cancellation notification, or a bulk cancellation job notification.');

// ---- Deliveries ----

export const deliveriesListQuery = z
    .object({
        state: z.enum(['pending', 'succeeded', 'failed']).optional(),
        subscriptionId: z.string().min(1).max(100).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        $top: z.coerce.number().int().min(1).max(200).optional(),
        $skiptoken: z.string().min(1).max(4096).optional(),
    })
    .strict();

export const recoverBody = z.object({ since: z.iso.datetime({ offset: true }) }).strict();

export const deliveryViewSchema = z.object({
    id: z.string(),
    subscriptionId: z.string(),
    cancellationId: z.string().optional().describe('The cancellation the notification is about.'),
    jobId: z.string().optional().describe('The bulk cancellation job the notification is about.'),
    eventType: eventTypeSchema,
    state: z.enum(['pending', 'succeeded', 'failed']),
    attempts: z.number().int(),
    createdDateTime: z.string(),
    lastAttemptDateTime: z.string().optional(),
    nextAttemptDateTime: z.string().optional(),
    lastStatus: z.number().int().optional(),
    lastError: z.string().optional(),
});

export const deliveryListSchema = z.object({
    value: z.array(deliveryViewSchema),
    '@odata.nextLink': z.string().optional(),
});
export const recoveredSchema = z.object({ replayed: z.number().int() });

export type DeliveriesQuery = z.infer<typeof deliveriesListQuery>;
export type RecoverBody = z.infer<typeof recoverBody>;
export type DeliveryView = z.infer<typeof deliveryViewSchema>;
export type DeliveryList = z.infer<typeof deliveryListSchema>;
export type Recovered = z.infer<typeof recoveredSchema>;

// ---- Parked notifications ----

export const parkedNotificationsListQuery = z
    .object({
        $top: z.coerce.number().int().min(1).max(200).optional(),
        $skiptoken: z.string().min(1).max(4096).optional(),
    })
    .strict();

export const parkedNotificationViewSchema = z.object({
    id: z.string().describe('The notification message id, or unreadable_… for a message that is no notification.'),
    state: z.enum(['redriving', 'parked', 'unreadable']),
    eventType: eventTypeSchema.optional(),
    cancellationId: z.string().optional(),
    jobId: z.string().optional(),
    redrives: z.number().int().describe('Times it was sent again after poisoning.'),
    firstParkedDateTime: z.string(),
    lastParkedDateTime: z.string(),
    nextRedriveDateTime: z.string().optional(),
    raw: z.string().optional().describe('The start of an unreadable message.'),
});

export const parkedNotificationListSchema = z.object({
    value: z.array(parkedNotificationViewSchema),
    '@odata.nextLink': z.string().optional(),
});

export type ParkedNotificationsQuery = z.infer<typeof parkedNotificationsListQuery>;
export type ParkedNotificationView = z.infer<typeof parkedNotificationViewSchema>;
export type ParkedNotificationList = z.infer<typeof parkedNotificationListSchema>;

// ---- Operations ----

const probeStatus = z
    .enum(['up', 'degraded', 'down'])
    .describe('`degraded`: it answers but cannot do all the gateway needs (Graph refuses one of its permissions).');

/** `GET /api/health`: each probe's status; with a valid token also its duration, reason and Graph's permissions. */
export const healthSchema = z.object({
    status: z
        .enum(['healthy', 'degraded', 'unhealthy'])
        .describe('`unhealthy` (503) when a probe is down; `degraded` (200) when one is degraded.'),
    checks: z.record(
        z.string(),
        z.object({
            status: probeStatus,
            durationMs: z.number().optional().describe('With a valid token only.'),
            reason: z.string().optional().describe('Why the probe is not up; with a valid token only.'),
            permissions: z
                .record(z.string(), z.string())
                .optional()
                .describe(
                    'Graph only, with a valid token only: `calendars`, `bookings`, `directory`, each `ok`, ' +
                        '`missing: <application permission>`, `untested: …`, `token refused: …` or `unavailable: …`.',
                ),
        }),
    ),
});

/** `POST /api/reconcile`: what one reconciliation pass did. */
export const reconcileSummarySchema = z.object({
    checked: z.number().int(),
    finished: z.number().int().describe('Pending ones found done and moved to accepted.'),
    verified: z.number().int(),
    drifted: z.number().int(),
    repaired: z.number().int(),
    failed: z.number().int(),
    notificationsResent: z.number().int(),
    graphCalls: z.number().int(),
    throttled: z.number().int(),
    conflicts: z.number().int().describe('Records another run changed first: left to it.'),
    stoppedForBudget: z.boolean(),
    durationMs: z.number(),
});

/** `GET /api/openapi.json`: an OpenAPI 3.0 document (its own schema is OpenAPI's). */
export const openApiDocumentSchema = z.object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string(), description: z.string().optional() }),
    servers: z.array(z.object({ url: z.string() })).optional(),
    paths: z.record(z.string(), z.unknown()),
    components: z
        .object({
            schemas: z.record(z.string(), z.unknown()).optional(),
            responses: z.record(z.string(), z.unknown()).optional(),
            securitySchemes: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
});

export type HealthView = z.infer<typeof healthSchema>;
export type ReconcileSummaryView = z.infer<typeof reconcileSummarySchema>;

// ---- Errors ----

/** Graph's error envelope. */
export const graphErrorSchema = z.object({
    error: z.object({
        code: z.string(),
        message: z.string(),
        innerError: z
            .object({ date: z.string(), 'request-id': z.string(), 'client-request-id': z.string().optional() })
            .optional(),
    }),
});

export * from './cancellationJobs';
