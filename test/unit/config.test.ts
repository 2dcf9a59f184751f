import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../src/config/config';
import { settingsSchema } from '../../src/config/schema';
import { ConfigError } from '../../src/errors/configError';

const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '../../local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
};

describe('config', () => {
    it('parses the sample settings into a frozen config', () => {
        const config = parseConfig(sample.Values);
        expect(config.environment).toBe('development');
        expect(config.graph.baseUrl).toBe('https://localhost:7444');
        expect(config.graph.timeoutMs).toBe(10_000);
        expect(Object.isFrozen(config)).toBe(true);
        expect(Object.isFrozen(config.graph)).toBe(true);
    });

    it('names every missing or invalid setting', () => {
        const { GATEWAY_TENANT_ID: _omitted, ...rest } = sample.Values;
        let thrown: unknown;
        try {
            parseConfig({
                ...rest,
                GRAPH_TIMEOUT_MS: 'soon',
                GRAPH_CREDENTIAL: 'clientSecret',
                GRAPH_CLIENT_SECRET: '',
            });
        } catch (error) {
            thrown = error;
        }
        expect(thrown).toBeInstanceOf(ConfigError);
        const problems = (thrown as ConfigError).problems.join('\n');
        expect(problems).toMatch(/^GATEWAY_TENANT_ID:/m);
        expect(problems).toMatch(/^GRAPH_TIMEOUT_MS:/m);
        expect(problems).toMatch(/^GRAPH_CLIENT_SECRET:/m);
        expect((thrown as Error).message).toContain('will not start');
    });

    it('refuses development authorities in production', () => {
        expect(() => parseConfig({ ...sample.Values, GATEWAY_ENVIRONMENT: 'production' })).toThrow(
            /AUTH_AUTHORITY_HOST: must be a public https origin in production/,
        );
    });

    it('refuses an idempotency lock shorter than the longest request', () => {
        const settings = { ...sample.Values, GRAPH_TIMEOUT_MS: '10000', GRAPH_RETRY_DEADLINE_MS: '20000' };
        expect(() => parseConfig({ ...settings, IDEMPOTENCY_LOCK_SECONDS: '59' })).toThrow(
            /IDEMPOTENCY_LOCK_SECONDS: must be at least 60/,
        );
        expect(parseConfig({ ...settings, IDEMPOTENCY_LOCK_SECONDS: '60' }).idempotency.lockMs).toBe(60_000);
    });

    it('defaults to production and public Entra ID and Graph origins', () => {
        const config = parseConfig({
            AzureWebJobsStorage: 'UseDevelopmentStorage=true',
            GATEWAY_TENANT_ID: sample.Values.GATEWAY_TENANT_ID,
            GATEWAY_API_CLIENT_ID: sample.Values.GATEWAY_API_CLIENT_ID,
            GATEWAY_API_APP_ID_URI: 'api://cancel-gateway',
            GRAPH_CLIENT_ID: sample.Values.GRAPH_CLIENT_ID,
        });
        expect(config.environment).toBe('production');
        expect(config.auth.authorityHost).toBe('https://login.microsoftonline.com');
        expect(config.graph.baseUrl).toBe('https://graph.microsoft.com');
        expect(config.graph.credential).toBe('managedIdentity');
    });

    it('reaches storage through the managed identity when only the identity-based settings are given', () => {
        const { AzureWebJobsStorage: _connectionString, ...rest } = sample.Values;
        const config = parseConfig({
            ...rest,
            AzureWebJobsStorage__tableServiceUri: 'https://acct.table.core.windows.net/',
            AzureWebJobsStorage__queueServiceUri: 'https://acct.queue.core.windows.net/',
            AzureWebJobsStorage__clientId: sample.Values.GRAPH_CLIENT_ID,
        });
        expect(config.storage).toEqual({
            kind: 'identity',
            tableServiceUri: 'https://acct.table.core.windows.net/',
            queueServiceUri: 'https://acct.queue.core.windows.net/',
            clientId: sample.Values.GRAPH_CLIENT_ID,
        });
        expect(() => parseConfig(rest)).toThrow(/AzureWebJobsStorage: set a connection string, or the identity-based/);
    });

    it('lists in local.settings.sample.json exactly the settings the schema reads, plus the host’s own', () => {
        const hostSettings = ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT'];
        const appSettings = Object.keys(sample.Values).filter((name) => !hostSettings.includes(name));
        expect(appSettings.sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    });
});
