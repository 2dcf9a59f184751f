import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsSchema } from '../../src/config/schema';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** `NAME: value` lines between the `// app-settings:begin` and `// app-settings:end` markers of api.bicep. */
function bicepAppSettings(): Map<string, string> {
    const text = read('infra/app/api.bicep');
    const begin = text.indexOf('// app-settings:begin');
    const end = text.indexOf('// app-settings:end');
    if (begin < 0 || end < begin) throw new Error('infra/app/api.bicep: app-settings markers not found');
    const settings = new Map<string, string>();
    for (const line of text.slice(begin, end).split('\n')) {
        const match = /^\s+([A-Za-z_][A-Za-z0-9_]*):\s*(.+?)\s*$/.exec(line);
        if (!match) continue;
        const [, name, value] = match as unknown as [string, string, string];
        if (settings.has(name)) throw new Error(`infra/app/api.bicep sets ${name} twice`);
        settings.set(name, value);
    }
    return settings;
}

const storageConnection = 'AzureWebJobsStorage';
const identityConnectionSettings = [
    'credential',
    'clientId',
    'blobServiceUri',
    'queueServiceUri',
    'tableServiceUri',
].map((suffix) => `${storageConnection}__${suffix}`);
const isHostOnly = (name: string) => name.startsWith('FUNCTIONS_') || name.startsWith('APPLICATIONINSIGHTS_');
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** The setting names the gateway reads as Azure sets them: an identity-based `AzureWebJobsStorage__*` connection counts as `AzureWebJobsStorage`. */
function gatewayNamesInBicep(settings: Map<string, string>): string[] {
    return sorted(
        [...settings.keys()]
            .filter((name) => !isHostOnly(name))
            .map((name) => (name.startsWith(`${storageConnection}__`) ? storageConnection : name)),
    );
}

describe('app settings: schema, local.settings.sample.json and Bicep agree', () => {
    const schemaNames = sorted(Object.keys(settingsSchema.shape));
    const sample = JSON.parse(read('local.settings.sample.json')) as { Values: Record<string, string> };
    const sampleNames = sorted(Object.keys(sample.Values).filter((name) => !name.startsWith('FUNCTIONS_')));
    const bicep = bicepAppSettings();

    it('finds the settings it compares', () => {
        expect(schemaNames.length).toBeGreaterThan(20);
        expect(bicep.size).toBeGreaterThan(schemaNames.length);
    });

    it('local.settings.sample.json carries exactly the schema settings', () => {
        expect(sampleNames).toEqual(schemaNames);
    });

    it('the Bicep app settings carry exactly the schema settings', () => {
        expect(gatewayNamesInBicep(bicep)).toEqual(schemaNames);
    });

    it('the storage connection is identity-based: no connection string, every identity setting', () => {
        expect(bicep.has(storageConnection)).toBe(false);
        for (const name of identityConnectionSettings) expect(bicep.has(name)).toBe(true);
        expect(bicep.get(`${storageConnection}__credential`)).toBe("'managedidentity'");
        expect(bicep.get(`${storageConnection}__clientId`)).toBe('identityClientId');
    });

    it('sends telemetry with Entra ID auth', () => {
        expect(bicep.has('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe(true);
        expect(bicep.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe(
            "'ClientId=${identityClientId};Authorization=AAD'",
        );
    });

    it('sets production values', () => {
        expect(bicep.get('GATEWAY_ENVIRONMENT')).toBe("'production'");
        expect(bicep.get('WEBHOOK_ALLOW_LOOPBACK')).toBe("'false'");
        expect(bicep.get('RECONCILE_RUN_ON_STARTUP')).toBe("'false'");
        expect(bicep.get('GRAPH_CREDENTIAL')).toBe("useClientSecret ? 'clientSecret' : 'managedIdentity'");
        // managedIdentity calls Graph as the user-assigned identity the app runs as.
        expect(bicep.get('GRAPH_CLIENT_ID')).toBe('useClientSecret ? graphClientId : identityClientId');
        expect(bicep.get('GRAPH_CLIENT_SECRET')).toBe("'@Microsoft.KeyVault(SecretUri=${graphClientSecretUri})'");
    });

    it('the production literals pass the schema', () => {
        const literals = Object.fromEntries(
            [...bicep]
                .filter(([name, value]) => !isHostOnly(name) && /^'[^']*'$/.test(value))
                .map(([name, value]) => [name, value.slice(1, -1)]),
        );
        const parsed = settingsSchema.safeParse({
            ...literals,
            AzureWebJobsStorage: 'identity-based (AzureWebJobsStorage__*)',
            GATEWAY_TENANT_ID: '00000000-0000-4000-8000-000000000001',
            GATEWAY_API_CLIENT_ID: '00000000-0000-4000-8000-000000000002',
            GATEWAY_API_APP_ID_URI: 'api://cancel-gateway',
            AUTH_AUTHORITY_HOST: 'https://login.microsoftonline.com',
            AUTH_V1_ISSUER_HOST: 'https://sts.windows.net',
            GRAPH_BASE_URL: 'https://graph.microsoft.com',
            GRAPH_CREDENTIAL: 'managedIdentity',
            GRAPH_CLIENT_ID: '00000000-0000-4000-8000-000000000003',
            TENANT_POLICY: '{}',
        });
        expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    });

    it('the Bicep defaults for the hosts are the public cloud', () => {
        const text = read('infra/app/api.bicep');
        expect(text).toContain("param authAuthorityHost string = 'https://login.microsoftonline.com'");
        expect(text).toContain("param authV1IssuerHost string = 'https://sts.windows.net'");
        expect(text).toContain("param graphBaseUrl string = 'https://graph.microsoft.com'");
    });
});

describe('azure.yaml', () => {
    const yaml = read('azure.yaml');

    it('deploys the api service as a TypeScript function app', () => {
        expect(yaml).toMatch(/^name: cancel-gateway$/m);
        expect(yaml).toMatch(/^\s+api:$/m);
        expect(yaml).toMatch(/^\s+host: function$/m);
        expect(yaml).toMatch(/^\s+language: ts$/m);
        expect(yaml).toMatch(/^\s+project: \.$/m);
    });

    it('deploys the bundle `npm run package` writes, not the repository root', () => {
        expect(yaml).toMatch(/^\s+dist: dist\/bundle$/m);
        expect(yaml).not.toMatch(/prepackage/);
        const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
        expect(scripts.package).toBe('npm run build && node dist/dev/package/bundle.js');
    });
});

describe('infra', () => {
    it('runs on Flex Consumption with shared keys off and local auth off', () => {
        expect(read('infra/main.bicep')).toMatch(/name: 'FC1'\s+tier: 'FlexConsumption'/);
        expect(read('infra/app/storage.bicep')).toContain('allowSharedKeyAccess: false');
        expect(read('infra/app/monitoring.bicep')).toContain('DisableLocalAuth: true');
    });

    it('grants the identity the storage and monitoring roles', () => {
        const rbac = read('infra/app/rbac.bicep');
        for (const roleId of [
            'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', // Storage Blob Data Owner
            '974c5e8b-45b9-4653-ba55-5f855dd0fb88', // Storage Queue Data Contributor
            '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', // Storage Table Data Contributor
            '3913510d-42f4-4e42-8a64-420c390055eb', // Monitoring Metrics Publisher
        ]) {
            expect(rbac).toContain(roleId);
        }
        expect(read('infra/app/keyvault.bicep')).toContain('4633458b-17de-408a-b874-0445c86b69e6'); // Key Vault Secrets User
    });

    it('main.parameters.json is JSON and fills every required main.bicep parameter', () => {
        const parameters = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, unknown> };
        const required = [...read('infra/main.bicep').matchAll(/^param (\w+) \w+$/gm)].map((match) => match[1]);
        for (const name of required) expect(Object.keys(parameters.parameters)).toContain(name);
    });
});
