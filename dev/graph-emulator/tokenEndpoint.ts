import { graphAudience } from '../identity/devTenant';
import { mintToken } from '../identity/mintToken';
import { type EmuRequest, type EmuResponse, jsonResponse } from './http';
import { signingKey } from './keys';
import { oidcError } from './oidc';
import { type EmulatorState } from './state';

const lifetimeSeconds = 3599;
const graphResources = [graphAudience, `${graphAudience}/`, '00000003-0000-0000-c000-000000000000'];

/**
 * `POST /{tenant}/oauth2/v2.0/token` for the client-credentials grant: checks the app registration and its
 * secret, and issues a v1-format Graph access token (`aud` Graph, `appid`, `roles`, `idtyp: app`).
 */
export function tokenEndpoint(state: EmulatorState, tenantId: string, req: EmuRequest): EmuResponse {
    const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
        return oidcError(
            400,
            'invalid_request',
            "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
            [900144],
        );
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) {
        const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
        clientId ??= decodeURIComponent(id ?? '');
        secret ??= decodeURIComponent(rest.join(':'));
    }
    const grantType = form.get('grant_type');
    if (!grantType) {
        return oidcError(
            400,
            'invalid_request',
            "AADSTS900144: The request body must contain the following parameter: 'grant_type'.",
            [900144],
        );
    }
    if (grantType !== 'client_credentials') {
        return oidcError(
            400,
            'unsupported_grant_type',
            `AADSTS70003: The app requested an unsupported grant type '${grantType}'.`,
            [70003],
        );
    }
    if (!clientId) {
        return oidcError(
            400,
            'invalid_request',
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
            [900144],
        );
    }
    const scope = form.get('scope') ?? '';
    const scopes = scope.split(' ').filter((s) => s.length > 0);
    const resource =
        scopes.length === 1 && scopes[0]?.endsWith('/.default') ? scopes[0].slice(0, -'/.default'.length) : undefined;
    if (resource === undefined) {
        return oidcError(
            400,
            'invalid_scope',
            `AADSTS1002012: The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
            [1002012],
        );
    }
    if (!graphResources.includes(resource)) {
        return oidcError(
            400,
            'invalid_resource',
            `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${tenantId}.`,
            [500011],
        );
    }
    const app = state.tenant.applications.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
    if (!app || state.tenant.tenantId.toLowerCase() !== tenantId.toLowerCase()) {
        return oidcError(
            400,
            'unauthorized_client',
            `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
            [700016],
        );
    }
    if (!secret) {
        return oidcError(
            401,
            'invalid_client',
            "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
            [7000216],
        );
    }
    if (secret !== app.secret) {
        return oidcError(
            401,
            'invalid_client',
            `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
            [7000215],
        );
    }
    const token = mintToken({
        app: app.clientId,
        roles: app.roles,
        tenantId: state.tenant.tenantId,
        audience: graphAudience,
        version: 1,
        issuerHost: state.tlsOrigin,
        expiresInSeconds: lifetimeSeconds,
        key: signingKey(),
        extraClaims: { appidacr: '1', app_displayname: app.displayName },
    });
    return jsonResponse(
        200,
        { token_type: 'Bearer', expires_in: lifetimeSeconds, ext_expires_in: lifetimeSeconds, access_token: token },
        { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
    );
}
