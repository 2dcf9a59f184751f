import type { OpenAPIV3 } from 'openapi-types';
import { administratorRole } from '../../domain/access/permissions';
import type * as z from 'zod';
import type { HttpRoute } from '../routes/contract';
import { graphErrorSchema } from '../schemas';
import { apiAppIdUri, authorizeUrl, permissionDescriptions, tokenUrl } from './constants';
import { openApi3Schema, type JsonSchema } from './jsonSchema';

/** Template parameters in order: `{version}/users/{owner}` → `['version', 'owner']`. */
export function templateParameters(route: string): string[] {
    return [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
}

const errorStatuses: Record<string, string> = {
    '400': 'Bad request: the message says what is wrong.',
    '401': 'No valid bearer token.',
    '403': 'The token lacks the permission, or the caller may not act on this mailbox or business.',
    '404': 'Not found.',
    '429': 'Too many requests; retry after `Retry-After`.',
    '500': 'Unexpected error.',
    '503': 'A dependency (Graph or storage) is unavailable; retry after `Retry-After`.',
};

function pathParameter(name: string): OpenAPIV3.ParameterObject {
    if (name === 'version') {
        return {
            name,
            in: 'path',
            required: true,
            schema: { type: 'string', enum: ['v1.0', 'beta'] },
            description: 'Graph API version.',
        };
    }
    return { name, in: 'path', required: true, schema: { type: 'string' } };
}

function queryParameters(query: z.ZodObject): OpenAPIV3.ParameterObject[] {
    const json = openApi3Schema(query, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    return Object.entries(properties).map(([name, schema]) => ({
        name,
        in: 'query',
        required: required.has(name),
        schema: schema,
    }));
}

const administratorRoleText = `the ${administratorRole} app role (an app's role, or a user's app-role assignment; never a delegated scope)`;

/** The route's permissions (any one of them) and whether the administrator role grants it too or alone does. */
function permissionsOf(route: HttpRoute): { permissions: readonly string[]; administrators?: 'also' | 'only' } {
    switch (route.access.kind) {
        case 'public':
            return { permissions: [] };
        case 'administrators':
        case 'bulkJobs':
            return { permissions: [], administrators: 'only' };
        case 'permission':
            return { permissions: route.access.anyOf, administrators: route.access.administrators };
    }
}

/** Who may call the operation, in words. */
function whoMay(route: HttpRoute): string {
    const { permissions, administrators } = permissionsOf(route);
    if (route.access.kind === 'bulkJobs') {
        return `Needs ${administratorRoleText}, or an app-only token of an application the tenant policy grants \`bulk\` mailboxes (those mailboxes and its own jobs only).`;
    }
    if (administrators === 'only') return `Needs ${administratorRoleText}.`;
    const needs = `Needs one of: ${permissions.join(', ')} (delegated scope for users, application role for apps)`;
    return administrators === 'also' ? `${needs}, or ${administratorRoleText}.` : `${needs}.`;
}

/** The OAuth scopes a token for the operation carries: the delegated ones, or `.default` (app roles) alone. */
function entraScopes(route: HttpRoute): string[] {
    const { permissions } = permissionsOf(route);
    return permissions.length === 0 ? [`${apiAppIdUri}/.default`] : permissions.map((p) => `${apiAppIdUri}/${p}`);
}

function operation(route: HttpRoute): OpenAPIV3.OperationObject {
    const { response, request } = route;
    const success: OpenAPIV3.ResponseObject = { description: response.description };
    if (response.schema) {
        success.content = {
            'application/json': { schema: openApi3Schema(response.schema) },
        };
    }
    if (response.location) {
        success.headers = { Location: { description: response.location, schema: { type: 'string' } } };
    }
    const responses: OpenAPIV3.ResponsesObject = { [String(response.status)]: success };
    if (response.alternative?.schema) {
        responses[String(response.alternative.status)] = {
            description: response.alternative.description,
            content: { 'application/json': { schema: openApi3Schema(response.alternative.schema) } },
        };
    }
    const anonymous = route.access.kind === 'public';
    const statuses = anonymous ? ['500', '503'] : Object.keys(errorStatuses);
    for (const status of statuses) responses[status] = { $ref: `#/components/responses/Error${status}` };
    if (request?.body) {
        responses['413'] = { $ref: '#/components/responses/Error413' };
        responses['415'] = { $ref: '#/components/responses/Error415' };
    }
    const op: OpenAPIV3.OperationObject = {
        operationId: route.name,
        summary: route.summary,
        tags: [...route.tags],
        parameters: [
            ...templateParameters(route.template).map(pathParameter),
            ...(request?.query ? queryParameters(request.query) : []),
        ],
        responses,
        security: anonymous ? [] : [{ bearer: [] }, { entra: entraScopes(route) }],
    };
    if (route.description) op.description = route.description;
    if (!anonymous) {
        op.description = `${route.description ?? ''}${route.description ? '\n\n' : ''}${whoMay(route)}`;
    }
    if (request?.body) {
        op.requestBody = {
            required: false,
            content: { 'application/json': { schema: openApi3Schema(request.body.schema, 'input') } },
        };
    }
    return op;
}

/** The OpenAPI 3.0 document of every route of the manifest, served at `GET /api/openapi.json`. */
export function buildOpenApi3(routes: readonly HttpRoute[], serverUrl: string): OpenAPIV3.Document {
    const paths: Record<string, OpenAPIV3.PathItemObject> = {};
    for (const route of routes) {
        const verb = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put';
        (paths[`/${route.template}`] ??= {})[verb] = operation(route);
    }
    const errorSchema = openApi3Schema(graphErrorSchema) as OpenAPIV3.SchemaObject;
    const responses: Record<string, OpenAPIV3.ResponseObject> = {};
    const all = {
        ...errorStatuses,
        '413': 'The body is larger than 64 KiB.',
        '415': 'The body must be application/json.',
    };
    for (const [status, description] of Object.entries(all)) {
        responses[`Error${status}`] = {
            description,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/GraphError' } } },
        };
    }
    const scopes = Object.fromEntries(
        Object.entries(permissionDescriptions).map(([name, text]) => [`${apiAppIdUri}/${name}`, text]),
    );
    return {
        openapi: '3.0.3',
        info: {
            title: 'Cancel Gateway',
            version: '1.0.0',
            description:
                'Cancel meetings and Bookings appointments through a Graph-shaped API; records and webhooks. ' +
                'Errors use Graph\'s envelope `{"error":{"code","message","innerError"}}`.',
        },
        servers: [{ url: serverUrl }],
        paths,
        components: {
            schemas: { GraphError: errorSchema },
            responses,
            securitySchemes: {
                bearer: {
                    type: 'http',
                    scheme: 'bearer',
                    bearerFormat: 'JWT',
                    description: `An Entra ID access token for ${apiAppIdUri}: delegated scopes (scp) for users, app roles (roles) for apps.`,
                },
                entra: {
                    type: 'oauth2',
                    flows: {
                        authorizationCode: { authorizationUrl: authorizeUrl, tokenUrl, scopes },
                        clientCredentials: {
                            tokenUrl,
                            scopes: { [`${apiAppIdUri}/.default`]: 'The app roles granted.' },
                        },
                    },
                },
            },
        },
    };
}
