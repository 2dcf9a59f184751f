import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { accessDenied, directoryDenied, GraphError, invalidToken } from './errors';
import { currentKeys } from './keys';

export const graphAudiences = [
    'https://graph.microsoft.com',
    'https://graph.microsoft.com/',
    '00000003-0000-0000-c000-000000000000',
];

export interface Principal {
    kind: 'app' | 'user';
    tenantId: string;
    appId: string;
    /** `roles` for app tokens, `scp` for delegated ones. */
    permissions: string[];
    /** Delegated tokens: the signed-in user's object id. */
    userOid?: string;
}

/** Validates a bearer token the way Graph does for this emulator: dev keys, Graph audience, known tenant, lifetime. */
export async function authenticate(
    authorization: string | undefined,
    knownTenants: ReadonlySet<string>,
): Promise<Principal> {
    const match = /^Bearer\s+(.*)$/i.exec(authorization?.trim() ?? '');
    const token = match?.[1]?.trim() ?? '';
    if (token === '') throw invalidToken('Access token is empty.');
    let claims: Record<string, unknown>;
    try {
        decodeProtectedHeader(token);
        claims = decodeJwt(token);
    } catch {
        throw invalidToken('IDX14100: JWT is not well formed, there are no dots (.).');
    }
    const aud = claims.aud;
    if (typeof aud !== 'string' || !graphAudiences.includes(aud)) {
        throw invalidToken('Access token validation failure. Invalid audience.');
    }
    const jwks = createLocalJWKSet({ keys: currentKeys().map((k) => k.publicJwk as JWK) });
    try {
        const { payload } = await jwtVerify(token, jwks, { algorithms: ['RS256'], clockTolerance: 60 });
        claims = payload;
    } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
            throw invalidToken('Lifetime validation failed, the token is expired.');
        }
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
            throw invalidToken(`Access token validation failure. ${error.message}`);
        }
        throw invalidToken('Access token validation failure. Invalid signature.');
    }
    const tid = typeof claims.tid === 'string' ? claims.tid : '';
    if (!knownTenants.has(tid.toLowerCase())) {
        throw invalidToken('Access token validation failure. Invalid tenant.');
    }
    const iss = typeof claims.iss === 'string' ? claims.iss : '';
    if (!iss.endsWith(`/${tid}/`) && !iss.endsWith(`/${tid}/v2.0`)) {
        throw invalidToken('Access token validation failure. Invalid issuer.');
    }
    const appId = typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : '';
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const scp = typeof claims.scp === 'string' ? claims.scp.split(' ').filter((s) => s.length > 0) : [];
    if (scp.length > 0 || claims.idtyp === 'user') {
        return {
            kind: 'user',
            tenantId: tid,
            appId,
            permissions: scp,
            userOid: typeof claims.oid === 'string' ? claims.oid : undefined,
        };
    }
    return { kind: 'app', tenantId: tid, appId, permissions: roles };
}

export type Api = 'outlook' | 'directory' | 'bookings';

/** 403 unless the token holds one of `anyOf` (as an app role or a delegated scope). */
export function requirePermission(principal: Principal, anyOf: readonly string[], api: Api): void {
    const held = new Set(principal.permissions.map((p) => p.toLowerCase()));
    if (anyOf.some((p) => held.has(p.toLowerCase()))) return;
    if (api === 'directory') throw directoryDenied();
    throw accessDenied();
}

export function meWithAppToken(): GraphError {
    return new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
}

export const permissions = {
    eventsRead: ['Calendars.Read', 'Calendars.ReadWrite', 'Calendars.ReadBasic', 'Calendars.ReadBasic.All'],
    eventsWrite: ['Calendars.ReadWrite'],
    bookingsRead: [
        'Bookings.Read.All',
        'BookingsAppointment.ReadWrite.All',
        'Bookings.ReadWrite.All',
        'Bookings.Manage.All',
    ],
    bookingsCancel: ['BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'],
    usersRead: [
        'User.Read.All',
        'User.ReadWrite.All',
        'User.ReadBasic.All',
        'Directory.Read.All',
        'Directory.ReadWrite.All',
    ],
    groupsRead: [
        'Group.Read.All',
        'Group.ReadWrite.All',
        'GroupMember.Read.All',
        'Directory.Read.All',
        'Directory.ReadWrite.All',
    ],
    memberOf: [
        'GroupMember.Read.All',
        'Group.Read.All',
        'Directory.Read.All',
        'Directory.ReadWrite.All',
        'User.Read.All',
    ],
} as const;
