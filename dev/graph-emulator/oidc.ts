import { randomUUID } from 'node:crypto';
import { issuerFor } from '../identity/mintToken';
import { GraphError } from './errors';
import { jsonResponse, type EmuResponse } from './http';
import { currentKeys } from './keys';
import { type EmulatorState } from './state';

/** Resolves the tenant segment of an identity URL: a known tenant id, or the fixture tenant's domain. */
export function resolveTenant(state: EmulatorState, segment: string): string | undefined {
    const lower = segment.toLowerCase();
    if (state.knownTenants().has(lower)) return lower;
    if (lower === state.tenant.domain.toLowerCase()) return state.tenant.tenantId.toLowerCase();
    return undefined;
}

export function oidcError(status: number, error: string, description: string, codes: number[]): EmuResponse {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
    return jsonResponse(status, {
        error,
        error_description: `${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: codes,
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `https://login.microsoftonline.com/error?code=${codes[0] ?? 0}`,
    });
}

export function unknownTenant(segment: string): EmuResponse {
    return oidcError(
        400,
        'invalid_tenant',
        `AADSTS90002: Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        [90002],
    );
}

/** `/{tenant}/v2.0/.well-known/openid-configuration` and the v1 form, with the TLS twin as the authority host. */
export function openIdConfiguration(state: EmulatorState, tenantId: string, version: 1 | 2): EmuResponse {
    const base = state.tlsOrigin;
    const v = version === 2 ? '/v2.0' : '';
    const doc: Record<string, unknown> = {
        token_endpoint: `${base}/${tenantId}/oauth2${v}/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/${tenantId}/discovery${v}/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: issuerFor(base, tenantId, version),
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `${base}/${tenantId}/oauth2${v}/authorize`,
        device_authorization_endpoint: `${base}/${tenantId}/oauth2${v}/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${tenantId}/oauth2${v}/logout`,
        claims_supported: [
            'sub',
            'iss',
            'aud',
            'exp',
            'iat',
            'auth_time',
            'acr',
            'nonce',
            'tid',
            'ver',
            'oid',
            'roles',
        ],
        kerberos_endpoint: `${base}/${tenantId}/kerberos`,
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
    };
    return jsonResponse(200, doc, { 'Cache-Control': 'max-age=86400, private' });
}

export function jwks(): EmuResponse {
    return jsonResponse(200, { keys: currentKeys().map((k) => ({ ...k.publicJwk, x5t: k.kid })) });
}

/** `/common/discovery/instance`, in case a client does instance discovery against the emulator. */
export function instanceDiscovery(state: EmulatorState, query: URLSearchParams): EmuResponse {
    const host = new URL(state.tlsOrigin).host;
    const authorization = query.get('authorization_endpoint') ?? `${state.tlsOrigin}/common/oauth2/v2.0/authorize`;
    const tenant = /\/\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? 'common';
    return jsonResponse(200, {
        tenant_discovery_endpoint: `${state.tlsOrigin}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
}

export function identityNotFound(path: string): GraphError {
    return new GraphError(404, 'NotFound', `No identity endpoint at ${path}.`);
}
