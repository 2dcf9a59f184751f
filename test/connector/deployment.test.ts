import { deploymentConnector } from '../../dev/connector/deployment';

const values = {
    host: 'https://func-api-abc123.azurewebsites.net',
    appIdUri: 'api://0a1b2c3d-0000-4000-8000-000000000001',
    tenantId: '0a1b2c3d-0000-4000-8000-0000000000aa',
    connectorClientId: '0a1b2c3d-0000-4000-8000-0000000000cc',
};

interface Properties {
    properties: {
        connectionParameters: {
            token: {
                oAuthSettings: {
                    clientId: string;
                    scopes: string[];
                    properties: { AzureActiveDirectoryResourceId: string };
                    customParameters: Record<string, { value: string }>;
                };
            };
        };
    };
}

describe("connector generator options: a deployment's copy without editing the generated file", () => {
    const { apiDefinition, apiProperties } = deploymentConnector(values);
    const definition = apiDefinition as {
        host: string;
        securityDefinitions: { oauth2_auth: { authorizationUrl: string; tokenUrl: string } };
    };
    const oauth = (apiProperties as Properties).properties.connectionParameters.token.oAuthSettings;

    it("points the definition at the deployment's host (SERVICE_API_URI, scheme dropped)", () => {
        expect(definition.host).toBe('func-api-abc123.azurewebsites.net');
    });

    it('signs in at the tenant, not common (a single-tenant connector app)', () => {
        expect(definition.securityDefinitions.oauth2_auth.authorizationUrl).toBe(
            `https://login.microsoftonline.com/${values.tenantId}/oauth2/v2.0/authorize`,
        );
        expect(oauth.customParameters.tenantId?.value).toBe(values.tenantId);
    });

    it('uses the one App ID URI for every scope and the resource, and the connector app id', () => {
        expect(oauth.clientId).toBe(values.connectorClientId);
        expect(oauth.scopes.length).toBeGreaterThan(0);
        for (const scope of oauth.scopes) expect(scope.startsWith(`${values.appIdUri}/`)).toBe(true);
        expect(oauth.properties.AzureActiveDirectoryResourceId).toBe(values.appIdUri);
        expect(oauth.customParameters.resourceUri?.value).toBe(values.appIdUri);
        expect(JSON.stringify(apiProperties)).not.toContain('api://cancel-gateway');
    });

    it('refuses values that are not a host and GUIDs', () => {
        expect(() => deploymentConnector({ ...values, host: 'https://bad host/' })).toThrow('--host');
        expect(() => deploymentConnector({ ...values, tenantId: 'common' })).toThrow('--tenant-id');
    });
});
