import type { OpenAPIV2 } from 'openapi-types';
import type * as z from 'zod';
import type { ConnectorOperation, HttpRoute } from '../routes/contract';
import { httpRoutes } from '../routes/manifest';
import { routePrefix } from '../routes/routePrefix';
import { graphErrorSchema } from '../schemas';
import { authorizeUrl, placeholderHost, tokenUrl } from './constants';
import { swagger2Schema, type JsonSchema } from './jsonSchema';

type Definitions = Record<string, { readonly schema: z.ZodType; readonly io: 'input' | 'output' }>;

/** The zod schema of each definition the connector's operations name, in the manifest's order. */
function definitionsOf(routes: readonly HttpRoute[]): Definitions {
    const definitions: Definitions = {};
    for (const route of routes) {
        const { connector, request, response } = route;
        if (!connector) continue;
        if (connector.body && request?.body) {
            definitions[connector.body.definition] = {
                schema: connector.body.schema ?? request.body.schema,
                io: 'input',
            };
        }
        if (connector.success.definition && response.schema) {
            definitions[connector.success.definition] = { schema: response.schema, io: 'output' };
        }
        if (connector.trigger) {
            const { definition, schema } = connector.trigger.content;
            definitions[definition] = { schema, io: 'output' };
        }
    }
    definitions.GraphError = { schema: graphErrorSchema, io: 'output' };
    return definitions;
}

/** The zod schema each connector definition is generated from (the test compares them). */
export const connectorDefinitions: Readonly<Definitions> = definitionsOf(httpRoutes);

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });

function properties(schema: JsonSchema): Record<string, JsonSchema> {
    return schema.properties as Record<string, JsonSchema>;
}

/** Adds the connector's annotations (`x-ms-summary` from titles, visibility) to a generated definition. */
function annotate(name: string, schema: JsonSchema): JsonSchema {
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
        Object.assign(p.origins!, { 'x-ms-summary': 'Origins', 'x-ms-visibility': 'advanced' });
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

function queryParameters(query: z.ZodObject, shown: NonNullable<ConnectorOperation['query']>): OpenAPIV2.Parameter[] {
    const json = swagger2Schema(query, 'input');
    return Object.entries(properties(json)).map(([name, schema]) => {
        const [summary, description, visibility] = shown[name] ?? [name, name, 'advanced'];
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

/** One connector operation of a manifest route, and the path item keys that go with it (a trigger's content). */
function connectorOperation(route: HttpRoute, connector: ConnectorOperation): Record<string, unknown> {
    const parameters: OpenAPIV2.Parameter[] = Object.entries(connector.parameters ?? {}).map(
        ([name, { summary, description }]) => pathParameter(name, summary, description),
    );
    if (connector.query && route.request?.query) {
        parameters.push(...queryParameters(route.request.query, connector.query));
    }
    if (connector.body) {
        parameters.push({
            name: 'body',
            in: 'body',
            required: connector.body.required,
            schema: ref(connector.body.definition),
        });
    }
    const { success } = connector;
    const answer: OpenAPIV2.ResponseObject = { description: success.description };
    if (success.location) answer.headers = { Location: { type: 'string', description: success.location } };
    if (success.definition) answer.schema = ref(success.definition);
    const operation: Record<string, unknown> = {
        operationId: connector.operationId,
        summary: connector.summary,
        description: connector.description,
    };
    if (connector.trigger) {
        operation['x-ms-trigger'] = 'single';
        operation['x-ms-trigger-hint'] = connector.trigger.hint;
    }
    if (connector.visibility) operation['x-ms-visibility'] = connector.visibility;
    operation.parameters = parameters;
    operation.responses = { [String(route.response.status)]: answer, ...errorResponses };
    return operation;
}

/** The custom connector's Swagger 2.0 (`connector/apiDefinition.swagger.json`): the manifest's connector routes. */
export function buildConnectorSwagger(routes: readonly HttpRoute[] = httpRoutes): OpenAPIV2.Document {
    const used = definitionsOf(routes);
    const definitions: OpenAPIV2.DefinitionsObject = Object.fromEntries(
        Object.entries(used).map(([name, { schema, io }]) => [name, annotate(name, swagger2Schema(schema, io))]),
    );
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of routes) {
        if (!route.connector) continue;
        const item = (paths[`/${route.connector.path ?? route.template}`] ??= {});
        if (route.connector.trigger) {
            const { description, definition } = route.connector.trigger.content;
            item['x-ms-notification-content'] = { description, schema: ref(definition) };
        }
        item[route.method.toLowerCase()] = connectorOperation(route, route.connector);
    }

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
        paths,
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
    };
}
