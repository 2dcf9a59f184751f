import type { OpenAPIV2 } from 'openapi-types';
import {
    cancelAppointmentBody,
    cancelEventBody,
    cancellationListSchema,
    cancellationsListQuery,
    cancellationViewSchema,
    graphErrorSchema,
    subscriptionCreateBody,
    subscriptionCreatedSchema,
    webhookPayloadSchema,
} from '../schemas';
import { authorizeUrl, placeholderHost, routePrefix, tokenUrl } from './constants';
import { swagger2Schema, type JsonSchema } from './jsonSchema';

/** The zod schema each connector definition is generated from (the test compares them). */
export const connectorDefinitions = {
    CancelEventBody: { schema: cancelEventBody, io: 'input' },
    CancelAppointmentBody: { schema: cancelAppointmentBody, io: 'input' },
    Cancellation: { schema: cancellationViewSchema, io: 'output' },
    CancellationList: { schema: cancellationListSchema, io: 'output' },
    SubscriptionCreateBody: { schema: subscriptionCreateBody, io: 'input' },
    SubscriptionCreated: { schema: subscriptionCreatedSchema, io: 'output' },
    CancellationNotification: { schema: webhookPayloadSchema, io: 'output' },
    GraphError: { schema: graphErrorSchema, io: 'output' },
} as const;

type DefinitionName = keyof typeof connectorDefinitions;

const ref = (name: DefinitionName) => ({ $ref: `#/definitions/${name}` });

function properties(schema: JsonSchema): Record<string, JsonSchema> {
    return schema.properties as Record<string, JsonSchema>;
}

/** Adds the connector's annotations (`x-ms-summary` from titles, visibility) to a generated definition. */
function annotate(name: DefinitionName, schema: JsonSchema): JsonSchema {
    const walk = (node: JsonSchema): void => {
        if (typeof node.title === 'string') node['x-ms-summary'] = node.title;
        for (const child of Object.values((node.properties ?? {}) as Record<string, JsonSchema>)) walk(child);
        if (node.items && typeof node.items === 'object') walk(node.items as JsonSchema);
    };
    walk(schema);
    if (name === 'CancelEventBody') properties(schema).comment!['x-ms-visibility'] = 'important';
    if (name === 'CancelAppointmentBody') properties(schema).cancellationMessage!['x-ms-visibility'] = 'important';
    if (name === 'SubscriptionCreateBody') {
        const p = properties(schema);
        Object.assign(p.notificationUrl!, {
            'x-ms-notification-url': true,
            'x-ms-visibility': 'internal',
            'x-ms-summary': 'Callback URL',
        });
        Object.assign(p.eventTypes!, { 'x-ms-summary': 'Event types', 'x-ms-visibility': 'important' });
        Object.assign(p.clientState!, { 'x-ms-summary': 'Client state', 'x-ms-visibility': 'advanced' });
        Object.assign(p.description!, { 'x-ms-summary': 'Description', 'x-ms-visibility': 'advanced' });
        Object.assign(p.scope!, { 'x-ms-summary': 'Scope', 'x-ms-visibility': 'advanced' });
    }
    return schema;
}

const errorResponses: Record<string, OpenAPIV2.ResponseObject> = {
    '400': { description: 'Bad request', schema: ref('GraphError') },
    '401': { description: 'Unauthorized', schema: ref('GraphError') },
    '403': {
        description: 'Forbidden: the connection lacks the permission, or may not act on this mailbox or business',
        schema: ref('GraphError'),
    },
    '404': { description: 'Not found', schema: ref('GraphError') },
    '429': { description: 'Too many requests', schema: ref('GraphError') },
    default: { description: 'Error', schema: ref('GraphError') },
};

function listQueryParameters(): OpenAPIV2.Parameter[] {
    const json = swagger2Schema(cancellationsListQuery, 'input');
    const summaries: Record<string, [string, string, string]> = {
        state: ['State', 'Only cancellations in this state.', 'important'],
        since: ['Since', 'Only cancellations created at or after this time (ISO 8601).', 'advanced'],
        $top: ['Top count', 'How many to return (1 to 200).', 'advanced'],
        $skiptoken: ['Skip token', 'The continuation token of the previous page.', 'advanced'],
    };
    return Object.entries(properties(json)).map(([name, schema]) => {
        const [summary, description, visibility] = summaries[name] ?? [name, name, 'advanced'];
        const parameter = {
            name,
            in: 'query',
            required: false,
            ...schema,
            description,
            'x-ms-summary': summary,
            'x-ms-visibility': visibility,
        };
        return parameter as unknown as OpenAPIV2.Parameter;
    });
}

function pathParameter(name: string, summary: string, description: string): OpenAPIV2.Parameter {
    return { name, in: 'path', required: true, type: 'string', description, 'x-ms-summary': summary };
}

/** The custom connector's Swagger 2.0 (`connector/apiDefinition.swagger.json`), generated from the zod schemas. */
export function buildConnectorSwagger(): OpenAPIV2.Document {
    const definitions: OpenAPIV2.DefinitionsObject = Object.fromEntries(
        (Object.keys(connectorDefinitions) as DefinitionName[]).map((name) => {
            const { schema, io } = connectorDefinitions[name];
            return [name, annotate(name, swagger2Schema(schema, io))];
        }),
    );

    return {
        swagger: '2.0',
        info: {
            title: 'Cancel Gateway',
            description:
                'Cancel Outlook meetings and Microsoft Bookings appointments through the Cancel Gateway, read what ' +
                'was cancelled, and start a flow when a cancellation happens.',
            version: '1.0',
            contact: { name: 'Cancel Gateway maintainers' },
        },
        host: placeholderHost,
        basePath: `/${routePrefix}`,
        schemes: ['https'],
        consumes: ['application/json'],
        produces: ['application/json'],
        paths: {
            '/v1.0/users/{userId}/events/{eventId}/cancel': {
                post: {
                    operationId: 'CancelEvent',
                    summary: 'Cancel an event',
                    description:
                        "Cancels a meeting in the user's calendar; the attendees receive the comment. The user " +
                        'must be the organizer.',
                    'x-ms-visibility': 'important',
                    parameters: [
                        pathParameter('userId', 'User', 'The user whose calendar holds the event: UPN or object id.'),
                        pathParameter('eventId', 'Event id', 'The id of the event to cancel.'),
                        { name: 'body', in: 'body', required: false, schema: ref('CancelEventBody') },
                    ],
                    responses: {
                        '202': {
                            description: 'Accepted',
                            headers: { Location: { type: 'string', description: 'The cancellation record.' } },
                        },
                        ...errorResponses,
                    },
                },
            },
            '/v1.0/solutions/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel': {
                post: {
                    operationId: 'CancelBookingAppointment',
                    summary: 'Cancel a booking appointment',
                    description: 'Cancels a Microsoft Bookings appointment; the customers receive the message.',
                    'x-ms-visibility': 'important',
                    parameters: [
                        pathParameter(
                            'businessId',
                            'Booking business',
                            'The booking business id (its SMTP address, e.g. contoso@contoso.com).',
                        ),
                        pathParameter('appointmentId', 'Appointment id', 'The id of the appointment to cancel.'),
                        { name: 'body', in: 'body', required: false, schema: ref('CancelAppointmentBody') },
                    ],
                    responses: {
                        '204': {
                            description: 'Cancelled',
                            headers: { Location: { type: 'string', description: 'The cancellation record.' } },
                        },
                        ...errorResponses,
                    },
                },
            },
            '/cancellations/{id}': {
                get: {
                    operationId: 'GetCancellation',
                    summary: 'Get a cancellation',
                    description: 'Gets what the gateway recorded about one cancellation.',
                    parameters: [pathParameter('id', 'Cancellation id', 'The id of the cancellation record.')],
                    responses: { '200': { description: 'OK', schema: ref('Cancellation') }, ...errorResponses },
                },
            },
            '/cancellations': {
                get: {
                    operationId: 'ListCancellations',
                    summary: 'List cancellations',
                    description: 'Lists your cancellations (every one of the tenant for admins), newest first.',
                    parameters: listQueryParameters(),
                    responses: { '200': { description: 'OK', schema: ref('CancellationList') }, ...errorResponses },
                },
            },
            '/subscriptions': {
                'x-ms-notification-content': {
                    description: 'A cancellation notification',
                    schema: ref('CancellationNotification'),
                },
                post: {
                    operationId: 'OnCancellation',
                    summary: 'When a cancellation happens',
                    description:
                        'Triggers when an event or a booking appointment is cancelled through the gateway, or when ' +
                        'a cancellation is verified, drifts back, or fails.',
                    'x-ms-trigger': 'single',
                    'x-ms-trigger-hint': 'To see it work, cancel an event or appointment through the gateway.',
                    'x-ms-visibility': 'important',
                    parameters: [{ name: 'body', in: 'body', required: true, schema: ref('SubscriptionCreateBody') }],
                    responses: {
                        '201': {
                            description: 'Subscribed',
                            headers: { Location: { type: 'string', description: 'DELETE it to unsubscribe.' } },
                            schema: ref('SubscriptionCreated'),
                        },
                        ...errorResponses,
                    },
                },
            },
            '/subscriptions/{id}': {
                delete: {
                    operationId: 'DeleteSubscription',
                    summary: 'Delete a subscription',
                    description: 'Unsubscribes the trigger (the platform calls it when the flow is turned off).',
                    'x-ms-visibility': 'internal',
                    parameters: [pathParameter('id', 'Subscription id', 'The id of the subscription.')],
                    responses: { '204': { description: 'Deleted' }, ...errorResponses },
                },
            },
        },
        definitions,
        securityDefinitions: {
            oauth2_auth: {
                type: 'oauth2',
                flow: 'accessCode',
                authorizationUrl: authorizeUrl,
                tokenUrl,
                scopes: {},
            },
        },
        security: [{ oauth2_auth: [] }],
        tags: [],
    } as OpenAPIV2.Document;
}
