import type { OpenAPIV3 } from 'openapi-types';
import { administratorRole } from '../../auth/permissions';
import { type z } from 'zod';
import { routeTable, type RouteEntry } from '../routes/routeTable';
import { graphErrorSchema } from '../schemas';
import { apiAppIdUri, authorizeUrl, permissionDescriptions, tokenUrl } from './constants';
import { openApi3Schema, type JsonSchema } from './jsonSchema';
import { operationInfo, type OperationInfo } from './operations';

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

/** Who may call the operation, in words. */
function whoMay(info: OperationInfo): string {
    if (info.administrators === 'only') return `Needs ${administratorRoleText}.`;
    const needs = `Needs one of: ${info.permissions.join(', ')} (delegated scope for users, application role for apps)`;
    return info.administrators === 'also' ? `${needs}, or ${administratorRoleText}.` : `${needs}.`;
}

/** The OAuth scopes a token for the operation carries: the delegated ones, or `.default` (app roles) alone. */
function entraScopes(info: OperationInfo): string[] {
    return info.permissions.length === 0
        ? [`${apiAppIdUri}/.default`]
        : info.permissions.map((p) => `${apiAppIdUri}/${p}`);
}

function operation(entry: RouteEntry, info: OperationInfo): OpenAPIV3.OperationObject {
    const success: OpenAPIV3.ResponseObject = { description: info.success.description };
    if (info.success.schema) {
        success.content = {
            'application/json': { schema: openApi3Schema(info.success.schema) },
        };
    }
    if (info.location) success.headers = { Location: { description: info.location, schema: { type: 'string' } } };
    const responses: OpenAPIV3.ResponsesObject = { [String(info.success.status)]: success };
    const anonymous = info.permissions.length === 0 && info.administrators === undefined;
    const statuses = anonymous ? ['500', '503'] : Object.keys(errorStatuses);
    for (const status of statuses) responses[status] = { $ref: `#/components/responses/Error${status}` };
    if (info.body) {
        responses['413'] = { $ref: '#/components/responses/Error413' };
        responses['415'] = { $ref: '#/components/responses/Error415' };
    }
    const op: OpenAPIV3.OperationObject = {
        operationId: info.operationId,
        summary: info.summary,
        tags: [...info.tags],
        parameters: [
            ...templateParameters(entry.route).map(pathParameter),
            ...(info.query ? queryParameters(info.query) : []),
        ],
        responses,
        security: anonymous ? [] : [{ bearer: [] }, { entra: entraScopes(info) }],
    };
    if (info.description) op.description = info.description;
    if (!anonymous) {
        op.description = `${info.description ?? ''}${info.description ? '\n\n' : ''}${whoMay(info)}`;
    }
    if (info.body) {
        op.requestBody = {
            required: false,
            content: { 'application/json': { schema: openApi3Schema(info.body, 'input') } },
        };
    }
    return op;
}

/** The OpenAPI 3.0 document of every route in `routeTable`, served at `GET /api/openapi.json`. */
export function buildOpenApi3(serverUrl = '/api'): OpenAPIV3.Document {
    const paths: OpenAPIV3.PathsObject = {};
    for (const entry of routeTable) {
        const item: OpenAPIV3.PathItemObject = {};
        for (const method of entry.methods) {
            const verb = method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put';
            item[verb] = operation(entry, operationInfo(method, entry.route));
        }
        paths[`/${entry.route}`] = item;
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
