import { type Caller } from '../domain/access/caller';

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
    const value = claims[name];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Builds the {@link Caller} from the claims of a token whose signature, issuer, audience, tenant and
 * lifetime have already been validated. Returns `undefined` for the name of a missing required claim.
 *
 * App-only detection follows Entra: `idtyp: app` (optional claim) or, without it, the absence of `scp`.
 * `idtyp: user` wins over a missing `scp`, so a user's token is never promoted to an app's.
 */
export function callerFromClaims(
    claims: Readonly<Record<string, unknown>>,
): { caller: Caller } | { missingClaim: string } {
    const tenantId = stringClaim(claims, 'tid');
    if (tenantId === undefined) return { missingClaim: 'tid' };
    const objectId = stringClaim(claims, 'oid');
    if (objectId === undefined) return { missingClaim: 'oid' };
    const appId = stringClaim(claims, 'azp') ?? stringClaim(claims, 'appid');
    if (appId === undefined) return { missingClaim: 'azp' };

    const scp = claims.scp;
    const idtyp = claims.idtyp;
    const kind = idtyp === 'app' || (idtyp !== 'user' && typeof scp !== 'string') ? 'app' : 'user';
    const roles = Array.isArray(claims.roles)
        ? claims.roles.filter((role): role is string => typeof role === 'string' && role.length > 0)
        : [];
    if (kind === 'app') {
        return { caller: { kind, tenantId, objectId, appId, scopes: new Set(), roles: new Set(roles) } };
    }
    const scopes = typeof scp === 'string' ? scp.split(' ').filter((scope) => scope.length > 0) : [];
    const userPrincipalName = stringClaim(claims, 'upn') ?? stringClaim(claims, 'preferred_username');
    return {
        caller: {
            kind,
            tenantId,
            objectId,
            ...(userPrincipalName === undefined ? {} : { userPrincipalName }),
            appId,
            scopes: new Set(scopes),
            roles: new Set(roles),
        },
    };
}
