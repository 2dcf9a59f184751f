/**
 * Who is calling, as established by a validated access token and nothing else (never a body, query or
 * unverified header). Authorization decisions key on `tenantId` + `objectId` and `appId`; the UPN is
 * carried for records and logs only, because `preferred_username` is not a stable identifier.
 */
export interface Caller {
    /** `user`: a delegated token (`scp`). `app`: an app-only token (client credentials, `roles`). */
    readonly kind: 'user' | 'app';
    /** `tid`. */
    readonly tenantId: string;
    /** `oid`: the signed-in user's, or the calling app's service principal's, object id. */
    readonly objectId: string;
    /** `upn` (v1) or `preferred_username` (v2); user tokens only. */
    readonly userPrincipalName?: string;
    /** `azp` (v2) or `appid` (v1): the client application. */
    readonly appId: string;
    /** Delegated scopes from `scp`; empty for app-only callers. */
    readonly scopes: ReadonlySet<string>;
    /** `roles`: application permissions for an app, or a user's app roles (which are not delegated scopes). */
    readonly roles: ReadonlySet<string>;
}
