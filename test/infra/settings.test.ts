import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    azdParameters,
    bicepAppSettings,
    renderSettingsReference,
    settingDefault,
    settingDescription,
} from '../../dev/settings/reference';
import { settingsSchema } from '../../src/config/schema';
import { notificationsQueueName } from '../../src/adapters/queues/notificationQueue';
import { deliveriesQueueName, deliveryRetriesQueueName } from '../../src/adapters/queues/deliveryQueue';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

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

    it('builds the bundle itself before azd packages it: azd runs only `npm run build`, then zips `dist`', () => {
        expect(yaml).toMatch(/^\s+dist: dist\/bundle$/m);
        const prepackage = yaml.slice(yaml.indexOf('prepackage:'));
        expect(prepackage).toMatch(/windows:\s+run: npm run package\s+shell: pwsh/);
        expect(prepackage).toMatch(/posix:\s+run: npm run package\s+shell: sh/);
        const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
        expect(scripts.package).toBe('npm run build && node dist/dev/package/bundle.js');
    });

    it('deploys the bundle as built (no Oryx build) and requires an azd that honours remoteBuild', () => {
        expect(yaml).toMatch(/^\s+remoteBuild: false$/m);
        const [, major, minor, patch] = /azd: '>= (\d+)\.(\d+)\.(\d+)'/.exec(yaml) ?? [];
        expect([Number(major), Number(minor), Number(patch)]).toEqual([1, 23, expect.any(Number)]);
        expect(Number(patch)).toBeGreaterThanOrEqual(5); // remoteBuild for function apps: azd 1.23.5
        // With remoteBuild false, .funcignore must keep node_modules (azd 1.23.12 refuses the combination otherwise).
        expect(read('.funcignore')).not.toMatch(/^node_modules/m);
    });

    it('checks the azd environment before provisioning, with a Node script that runs on Windows and POSIX', () => {
        const preprovision = yaml.slice(yaml.indexOf('preprovision:'), yaml.indexOf('services:'));
        expect(preprovision).toMatch(/windows:\s+run: node infra\/hooks\/preprovision.js/);
        expect(preprovision).toMatch(/posix:\s+run: node infra\/hooks\/preprovision.js/);
    });
});

/** Top-level parameter names passed to each `module <symbol> '<path>'` of a Bicep file. */
function moduleArguments(text: string): Map<string, { path: string; names: string[] }> {
    const modules = new Map<string, { path: string; names: string[] }>();
    for (const match of text.matchAll(/^module (\w+) '([^']+)'[^\n]*\{\n([\s\S]*?)^\}/gm)) {
        const [, symbol, modulePath, body] = match as unknown as [string, string, string, string];
        const params = /^ {2}params: \{\n([\s\S]*?)^ {2}\}/m.exec(body)?.[1] ?? '';
        modules.set(symbol, { path: modulePath, names: [...params.matchAll(/^ {4}(\w+):/gm)].map((m) => m[1] ?? '') });
    }
    return modules;
}

/** `param name type [= default]` declarations of a Bicep file: name → has a default. */
function bicepParams(text: string): Map<string, boolean> {
    return new Map([...text.matchAll(/^param (\w+) \w+( =)?/gm)].map((m) => [m[1] ?? '', m[2] !== undefined]));
}

describe('infra: what can be checked without the Bicep compiler', () => {
    const main = read('infra/main.bicep');

    it('every module argument of main.bicep is a parameter of that module, and every required one is given', () => {
        const modules = [...moduleArguments(main).entries()].filter(([, { path }]) => path.startsWith('app/'));
        expect(modules.map(([symbol]) => symbol).sort()).toEqual(['api', 'keyVault', 'monitoring', 'rbac', 'storage']);
        for (const [symbol, { path, names }] of modules) {
            const declared = bicepParams(read(`infra/${path}`));
            const unknown = names.filter((name) => !declared.has(name));
            const missing = [...declared].filter(([name, hasDefault]) => !hasDefault && !names.includes(name));
            expect({ symbol, unknown, missing }).toEqual({ symbol, unknown: [], missing: [] });
        }
    });

    it('every parameter azd substitutes (main.parameters.json) is a main.bicep parameter', () => {
        const declared = bicepParams(main);
        for (const name of azdParameters().keys()) expect([name, declared.has(name)]).toEqual([name, true]);
    });

    it('settings people tune are parameters whose defaults are the schema defaults, in Bicep and for azd', () => {
        const parameters = azdParameters();
        const tuned = [...bicepAppSettings()].filter(([, value]) => /^[a-z]\w*$/.test(value) && parameters.has(value));
        expect(tuned.map(([name]) => name)).toEqual(
            expect.arrayContaining([
                'BOOKING_DEFAULT_CANCELLATION_MESSAGE',
                'RECONCILE_SCHEDULE',
                'WEBHOOK_RETRY_SCHEDULE_SECONDS',
                'DELIVERY_RETENTION_DAYS',
                'IDEMPOTENCY_RETENTION_HOURS',
            ]),
        );
        for (const [name, parameter] of tuned) {
            const schemaDefault = settingDefault(settingsSchema.shape[name as keyof typeof settingsSchema.shape]);
            if (schemaDefault.required) continue; // an id the deployment must give (GATEWAY_API_CLIENT_ID…)
            const bicepDefault = new RegExp(`^param ${parameter} string = '([^']*)'$`, 'm').exec(main)?.[1];
            const { variable, fallback } = parameters.get(parameter) ?? {};
            expect({ name, variable, fallback, bicepDefault }).toEqual({
                name,
                variable: name,
                fallback: schemaDefault.value,
                bicepDefault: schemaDefault.value,
            });
        }
    });

    it('creates every table and queue the app uses (the app can create them too, the roles allow it)', () => {
        const storage = read('infra/app/storage.bicep');
        const tables = [...read('src/composition/services.ts').matchAll(/storage\.table\('([^']+)'\)/g)].map(
            (m) => m[1],
        );
        expect(tables.length).toBeGreaterThanOrEqual(5);
        const queues = [notificationsQueueName, deliveriesQueueName, deliveryRetriesQueueName].flatMap((name) => [
            name,
            `${name}-poison`,
        ]);
        for (const name of [...tables, ...queues]) expect([name, storage.includes(`'${name}'`)]).toEqual([name, true]);
    });

    it('assigns deployer roles with the principal type azd reports, never a hard-coded User', () => {
        expect(read('infra/app/rbac.bicep')).not.toContain("principalType: 'User'");
        expect(read('infra/main.parameters.json')).toContain('${AZURE_PRINCIPAL_TYPE=User}');
    });

    it('reads conditional Key Vault outputs with a null-forgiving access (BCP318)', () => {
        expect(main).not.toMatch(/keyVault\.outputs/);
        expect(main).toMatch(/keyVault!\.outputs\.secretUri/);
    });

    it('leaves out Key Vault purge protection, which would block azd up after azd down for the retention period', () => {
        expect(read('infra/app/keyvault.bicep')).not.toContain('enablePurgeProtection');
    });

    it('offers only Flex Consumption regions', () => {
        const allowed = /@allowed\(\[([\s\S]*?)\]\)\n@description\('Primary location/.exec(main)?.[1] ?? '';
        expect(allowed).toContain("'eastus'");
        expect(allowed).toContain("'westeurope'");
    });
});

describe('docs/settings.md', () => {
    it('every setting has a description', () => {
        const undescribed = Object.entries(settingsSchema.shape)
            .filter(([, schema]) => !settingDescription(schema))
            .map(([name]) => name);
        expect(undescribed).toEqual([]);
    });

    it('is what dev/settings/reference.ts renders from the schema and the Bicep (npm run docs:settings)', () => {
        expect(read('docs/settings.md')).toBe(renderSettingsReference());
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
