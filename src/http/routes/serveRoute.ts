import type * as z from 'zod';
import type { Caller } from '../../domain/access/caller';
import {
    requireAdministrator,
    requirePermission,
    requirePermissionOrAdministrator,
} from '../../domain/access/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import type { Services } from '../../composition/services';
import { BadRequestError } from '../../errors/appError';
import { actionParameters, readJsonObject } from '../body';
import { type EdgeHandler, handle } from '../handle';
import { graphVersion, routeId } from '../ids';
import type { Access, BodyContract, HttpRoute, RouteInput, RouteResult } from './contract';

/**
 * The edge of one manifest route: authenticate and check the route's access, check the path ids, parse the query
 * and the body with the route's schemas, then run its handler. In that order, so a caller without the right learns
 * nothing from a body's errors.
 */
export function serveRoute(route: HttpRoute, services: Services): EdgeHandler {
    return routeEdge(route, route.handler(services), services.tokens);
}

/** {@link serveRoute} with the handler already built (in-process tests build it from fakes). */
export function routeEdge(
    route: HttpRoute,
    run: (input: never) => Promise<RouteResult<unknown>>,
    tokens: TokenValidator,
): EdgeHandler {
    return handle(async (request, _context, scope) => {
        const caller = await authorize(route.access, tokens, request.headers.get('authorization'));
        const params = pathParams(route.template, request.params);
        const querySchema = route.request?.query;
        const query = querySchema
            ? parsed(querySchema, Object.fromEntries(request.query.entries()), queryError)
            : undefined;
        const bodyContract = route.request?.body;
        const body = bodyContract ? readBody(bodyContract, await readJsonObject(request), route.name) : undefined;
        const input: RouteInput<unknown, unknown, Caller | undefined> = { request, scope, caller, params, query, body };
        return run(input as never);
    });
}

async function authorize(
    access: Access,
    tokens: TokenValidator,
    authorization: string | null,
): Promise<Caller | undefined> {
    if (access.kind === 'public') return undefined;
    const caller = await tokens.authenticate(authorization);
    // Only an app-only caller can hold a policy `bulk` grant: anyone else needs the role before the body is read.
    if (access.kind === 'bulkJobs') {
        if (caller.kind !== 'app') requireAdministrator(caller);
        return caller;
    }
    if (access.kind === 'administrators') requireAdministrator(caller);
    else if (access.administrators === 'also') requirePermissionOrAdministrator(caller, access.anyOf);
    else requirePermission(caller, access.anyOf);
    return caller;
}

/** Every `{param}` of the template in order: `version` must be v1.0 or beta (lower-cased), the rest ids. */
function pathParams(template: string, given: Readonly<Record<string, string>>): Record<string, string> {
    const params: Record<string, string> = {};
    for (const [, name = ''] of template.matchAll(/\{([^}]+)\}/g)) {
        params[name] = name === 'version' ? graphVersion(given[name]) : routeId(given[name]);
    }
    return params;
}

function readBody(contract: BodyContract, body: Record<string, unknown>, operation: string): unknown {
    switch (contract.kind) {
        case 'domainRules':
            return body;
        case 'graphAction':
            return parsed(
                contract.schema,
                actionParameters(body, contract.action, contract.spellings),
                bodyError(operation),
            );
        case 'json':
            return parsed(contract.schema, body, bodyError(operation));
    }
}

function parsed(schema: z.ZodType, value: unknown, refuse: (issue: z.core.$ZodIssue | undefined) => Error): unknown {
    const result = schema.safeParse(value);
    if (!result.success) throw refuse(result.error.issues[0]);
    return result.data;
}

function nameOf(issue: z.core.$ZodIssue | undefined): string {
    if (issue?.code === 'unrecognized_keys') return issue.keys[0] ?? '';
    return issue?.path.join('.') ?? '';
}

function queryError(issue: z.core.$ZodIssue | undefined): BadRequestError {
    return new BadRequestError(
        'invalidRequest',
        `Invalid query parameter '${nameOf(issue).slice(0, 100)}': ${issue?.message ?? 'invalid'}`,
    );
}

function bodyError(operation: string) {
    return (issue: z.core.$ZodIssue | undefined): BadRequestError => {
        const name = nameOf(issue).slice(0, 100);
        if (issue?.code === 'unrecognized_keys') {
            return new BadRequestError(
                'unknownProperty',
                `The property '${name}' is not a valid property of a ${operation} request.`,
            );
        }
        return new BadRequestError('invalidRequest', `Invalid '${name || 'request'}': ${issue?.message ?? 'invalid'}`);
    };
}
