import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildConnectorSwagger } from '../../src/http/openapi';
import { repoRoot } from '../paths';

const apiPropertiesPath = path.join(repoRoot, 'connector', 'apiProperties.json');

/** One deployment's values: `azd env get-value SERVICE_API_URI`, `GATEWAY_API_APP_ID_URI`, `GATEWAY_TENANT_ID`. */
export interface DeploymentValues {
    /** The function app's host name, or its URL (`SERVICE_API_URI`). */
    readonly host: string;
    /** The API app's Application ID URI, e.g. `api://<client id>`. */
    readonly appIdUri: string;
    /** The tenant id: a single-tenant connector app signs in there, not at `common` (AADSTS50194). */
    readonly tenantId: string;
    /** The connector app registration's client id. */
    readonly connectorClientId: string;
}

interface OAuthSettings {
    clientId: string;
    scopes: string[];
    properties: Record<string, unknown>;
    customParameters: Record<string, { value: string }>;
}

/** The committed definition and properties with one deployment's host, App ID URI, tenant and connector app. */
export function deploymentConnector(values: DeploymentValues): { apiDefinition: unknown; apiProperties: unknown } {
    const host = values.host.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    const appIdUri = values.appIdUri.replace(/\/+$/, '');
    if (!/^[a-z0-9.-]+$/i.test(host)) throw new Error(`--host: not a host name: ${values.host}`);
    if (!/^[0-9a-f-]{36}$/i.test(values.tenantId)) throw new Error('--tenant-id: a tenant id (GUID)');
    if (!/^[0-9a-f-]{36}$/i.test(values.connectorClientId)) throw new Error('--client-id: the connector app id (GUID)');
    const definition = buildConnectorSwagger() as { host?: string; securityDefinitions?: Record<string, unknown> };
    const login = `https://login.microsoftonline.com/${values.tenantId}/oauth2/v2.0`;
    const oauth = definition.securityDefinitions?.oauth2_auth as { authorizationUrl: string; tokenUrl: string };
    oauth.authorizationUrl = `${login}/authorize`;
    oauth.tokenUrl = `${login}/token`;
    definition.host = host;

    const properties = JSON.parse(readFileSync(apiPropertiesPath, 'utf8')) as {
        properties: { connectionParameters: { token: { oAuthSettings: OAuthSettings } } };
    };
    const settings = properties.properties.connectionParameters.token.oAuthSettings;
    const committedUri = settings.customParameters.resourceUri?.value ?? '';
    settings.clientId = values.connectorClientId;
    settings.scopes = settings.scopes.map((scope) => scope.replace(committedUri, appIdUri));
    settings.properties.AzureActiveDirectoryResourceId = appIdUri;
    settings.customParameters.resourceUri = { value: appIdUri };
    settings.customParameters.tenantId = { value: values.tenantId };
    return { apiDefinition: definition, apiProperties: properties };
}
