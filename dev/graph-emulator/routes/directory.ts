import { permissions } from '../auth';
import { readJsonObject } from '../body';
import { GraphError, segmentNotFound } from '../errors';
import { jsonResponse, queryParam } from '../http';
import { type Group, type User } from '../store/model';
import { type Tenant } from '../store/tenant';
import { odataContext, type Route, type RouteContext } from '../routeTypes';

function notFound(ref: string): GraphError {
    return new GraphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${ref}' does not exist or one of its queried reference-property objects are not present.`,
    );
}

function userWire(u: User): Record<string, unknown> {
    const [givenName, ...rest] = u.displayName.split(' ');
    return {
        id: u.id,
        businessPhones: [],
        displayName: u.displayName,
        givenName: givenName ?? null,
        surname: rest.join(' ') || null,
        jobTitle: null,
        mail: u.mail,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'en-US',
        userPrincipalName: u.userPrincipalName,
    };
}

function groupWire(g: Group): Record<string, unknown> {
    return {
        id: g.id,
        displayName: g.displayName,
        description: null,
        groupTypes: ['Unified'],
        mail: g.mail,
        mailEnabled: true,
        mailNickname: g.mail.split('@')[0] ?? g.displayName,
        securityEnabled: false,
        visibility: 'Private',
    };
}

/** Directory `$select`: only the selected properties (ids are not added, unlike Outlook). */
function select(ctx: RouteContext, wire: Record<string, unknown>, type: string): Record<string, unknown> {
    const text = queryParam(ctx.req.query, '$select');
    if (!text) return wire;
    const byLower = new Map(Object.keys(wire).map((k) => [k.toLowerCase(), k]));
    const out: Record<string, unknown> = {};
    for (const name of text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)) {
        const key = byLower.get(name.toLowerCase());
        if (!key) {
            throw new GraphError(
                400,
                'Request_BadRequest',
                `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
            );
        }
        out[key] = wire[key];
    }
    return out;
}

function sel(ctx: RouteContext): string {
    const text = queryParam(ctx.req.query, '$select');
    return text ? `(${text})` : '';
}

const directory = { api: 'directory' as const };

/** What the collection and single-entity routes need to know about users or groups. */
interface EntityKind<T> {
    /** Collection segment, also the `@odata.context` fragment. */
    collection: 'users' | 'groups';
    /** Graph type name, for `$select` errors. */
    type: 'user' | 'group';
    permissions: readonly string[];
    all: (tenant: Tenant) => readonly T[];
    find: (tenant: Tenant, ref: string) => T | undefined;
    wire: (entity: T) => Record<string, unknown>;
}

const userKind: EntityKind<User> = {
    collection: 'users',
    type: 'user',
    permissions: permissions.usersRead,
    all: (tenant) => tenant.users,
    find: (tenant, ref) => tenant.findUser(ref),
    wire: userWire,
};

const groupKind: EntityKind<Group> = {
    collection: 'groups',
    type: 'group',
    permissions: permissions.groupsRead,
    all: (tenant) => tenant.groups,
    find: (tenant, ref) => tenant.findGroup(ref),
    wire: groupWire,
};

/** The user or group by id (or UPN for users); the directory's 404 otherwise. */
function findOrThrow<T>(kind: EntityKind<T>, ctx: RouteContext, ref: string): T {
    const entity = kind.find(ctx.state.tenant, ref);
    if (!entity) throw notFound(ref);
    return entity;
}

/** `users` / `groups` (no ref: the whole collection) and `users/{ref}` / `groups/{ref}` (one entity). */
function listOrGetRoute<T>(kind: EntityKind<T>, ref: string | undefined): Route {
    return {
        ...directory,
        methods: ['GET'],
        permissions: () => kind.permissions,
        handle: (ctx) => {
            if (ref === undefined) {
                return jsonResponse(200, {
                    '@odata.context': odataContext(ctx.version, `${kind.collection}${sel(ctx)}`),
                    value: kind.all(ctx.state.tenant).map((e) => select(ctx, kind.wire(e), kind.type)),
                });
            }
            const entity = findOrThrow(kind, ctx, ref);
            return jsonResponse(200, {
                '@odata.context': odataContext(ctx.version, `${kind.collection}${sel(ctx)}/$entity`),
                ...select(ctx, kind.wire(entity), kind.type),
            });
        },
    };
}

/** `users`, `users/{id|upn}`, `users/{id|upn}/checkMemberGroups`. */
export function userDirectoryRoute(segs: string[], lower: string[]): Route {
    const ref = segs[0];
    if (ref === undefined || segs.length === 1) return listOrGetRoute(userKind, ref);
    if (segs.length === 2 && lower[1] === 'checkmembergroups') {
        return {
            ...directory,
            methods: ['POST'],
            permissions: () => permissions.memberOf,
            handle: (ctx) => {
                const body = readJsonObject(ctx.req, { optional: false }) ?? {};
                const groupIds = body.groupIds;
                if (!Array.isArray(groupIds) || !groupIds.every((g): g is string => typeof g === 'string')) {
                    throw new GraphError(400, 'Request_BadRequest', "Invalid value specified for property 'groupIds'.");
                }
                const user = findOrThrow(userKind, ctx, ref);
                const value = groupIds.filter((id) =>
                    ctx.state.tenant.groups.some(
                        (g) => g.id.toLowerCase() === id.toLowerCase() && g.memberIds.includes(user.id),
                    ),
                );
                return jsonResponse(200, {
                    '@odata.context': odataContext(ctx.version, 'Collection(Edm.String)'),
                    value,
                });
            },
        };
    }
    throw segmentNotFound(segs[1] ?? ref);
}

/** `groups`, `groups/{id}`, `groups/{id}/members`. */
export function groupDirectoryRoute(segs: string[], lower: string[]): Route {
    const ref = segs[0];
    if (ref === undefined || segs.length === 1) return listOrGetRoute(groupKind, ref);
    if (segs.length === 2 && lower[1] === 'members') {
        return {
            ...directory,
            methods: ['GET'],
            permissions: () => permissions.groupsRead,
            handle: (ctx) => {
                const group = findOrThrow(groupKind, ctx, ref);
                const members = group.memberIds
                    .map((id) => ctx.state.tenant.findUser(id))
                    .filter((u): u is User => u !== undefined);
                return jsonResponse(200, {
                    '@odata.context': odataContext(ctx.version, `directoryObjects${sel(ctx)}`),
                    value: members.map((u) => ({
                        '@odata.type': '#microsoft.graph.user',
                        ...select(ctx, userWire(u), 'user'),
                    })),
                });
            },
        };
    }
    throw segmentNotFound(segs[1] ?? ref);
}
