import * as crypto from 'node:crypto';
import { devTenant } from './devTenant';
import { type DevSigningKey, loadSigningKeys } from './signingKeys';

export interface MintOptions {
    /** A user's UPN (delegated token, `scp`). Mutually exclusive with `app`. */
    user?: string;
    /** A client id (app-only token, `roles`, `idtyp: app`). */
    app?: string;
    scp?: string[];
    roles?: string[];
    tenantId?: string;
    /** Defaults to the gateway API's client id (v2) or App ID URI (v1). */
    audience?: string;
    expiresInSeconds?: number;
    notBeforeSeconds?: number;
    /** Token format: v2 (`login.microsoftonline.com/{tid}/v2.0` style) or v1 (`sts.windows.net/{tid}/` style). */
    version?: 1 | 2;
    /** Authority host the issuer is built from, e.g. `https://localhost:7444`. */
    issuerHost?: string;
    /** Signing key; defaults to the current dev key. */
    key?: DevSigningKey;
    /** Caller application for delegated tokens (`azp`/`appid`). */
    clientId?: string;
    extraClaims?: Record<string, unknown>;
}

export function defaultIssuerHost(): string {
    return `https://localhost:${process.env.GRAPH_EMULATOR_TLS_PORT ?? '7444'}`;
}

export function issuerFor(host: string, tenantId: string, version: 1 | 2): string {
    return version === 2 ? `${host}/${tenantId}/v2.0` : `${host}/${tenantId}/`;
}

/** Deterministic oid for a UPN outside the demo tenant, so tokens for made-up users stay stable. */
function oidFor(upn: string): string {
    const known = devTenant.users.find((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase());
    if (known) return known.id;
    const hex = crypto.createHash('sha256').update(upn.toLowerCase()).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function base64url(value: unknown): string {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Mints an RS256 JWT shaped like an Entra ID access token for the development tenant. */
export function mintToken(options: MintOptions): string {
    const version = options.version ?? 2;
    const tenantId = options.tenantId ?? devTenant.tenantId;
    const key = options.key ?? loadSigningKeys()[0];
    if (!key) throw new Error('no development signing key');
    const now = Math.floor(Date.now() / 1000);
    const audience =
        options.audience ?? (version === 2 ? devTenant.gatewayApi.clientId : devTenant.gatewayApi.appIdUri);
    const claims: Record<string, unknown> = {
        aud: audience,
        iss: issuerFor(options.issuerHost ?? defaultIssuerHost(), tenantId, version),
        iat: now,
        nbf: now + (options.notBeforeSeconds ?? 0),
        exp: now + (options.expiresInSeconds ?? 3600),
        tid: tenantId,
        ver: version === 2 ? '2.0' : '1.0',
        uti: crypto.randomBytes(16).toString('base64url'),
    };
    if (options.app) {
        Object.assign(claims, {
            oid: oidFor(`app:${options.app}`),
            sub: oidFor(`app:${options.app}`),
            idtyp: 'app',
            roles: options.roles ?? [],
            [version === 2 ? 'azp' : 'appid']: options.app,
        });
    } else {
        const upn = options.user ?? 'alice@contoso.test';
        Object.assign(claims, {
            oid: oidFor(upn),
            sub: crypto.createHash('sha256').update(`sub:${upn}`).digest('base64url').slice(0, 43),
            [version === 2 ? 'preferred_username' : 'upn']: upn,
            name: devTenant.users.find((u) => u.userPrincipalName === upn)?.displayName ?? upn,
            scp: (options.scp ?? []).join(' '),
            [version === 2 ? 'azp' : 'appid']: options.clientId ?? devTenant.callerApp.clientId,
            ...(options.roles ? { roles: options.roles } : {}),
        });
    }
    Object.assign(claims, options.extraClaims);
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
    const signingInput = `${base64url(header)}.${base64url(claims)}`;
    const privateKey = crypto.createPrivateKey({ key: key.privateJwk, format: 'jwk' });
    const signature = crypto.sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
    return `${signingInput}.${signature}`;
}
