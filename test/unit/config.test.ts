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

    it('refuses an http GRAPH_BASE_URL, also in development (the Graph SDK sends tokens to https hosts only)', () => {
        expect(() => parseConfig({ ...sample.Values, GRAPH_BASE_URL: 'http://localhost:7443' })).toThrow(
            /^ *- GRAPH_BASE_URL: must be an https URL$/m,
        );
    });

    it('refuses development authorities in production', () => {
        expect(() => parseConfig({ ...sample.Values, GATEWAY_ENVIRONMENT: 'production' })).toThrow(
            /AUTH_AUTHORITY_HOST: https:\/\/localhost:7444 is not allowed in production: localhost is a loopback address/,
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

    it('caps reconciliation batches in flight overall above 50 mailboxes by default, lower when set', () => {
        const { RECONCILE_MAX_BATCHES_IN_FLIGHT: _omitted, ...rest } = sample.Values;
        expect(parseConfig(rest).reconcile.maxBatchesInFlight).toBe(64);
        expect(parseConfig({ ...rest, RECONCILE_MAX_BATCHES_IN_FLIGHT: '8' }).reconcile.maxBatchesInFlight).toBe(8);
        expect(() => parseConfig({ ...rest, RECONCILE_MAX_BATCHES_IN_FLIGHT: '0' })).toThrow(
            /RECONCILE_MAX_BATCHES_IN_FLIGHT:/,
        );
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

    describe('Entra ID and Graph hosts in production', () => {
        const production = {
            AzureWebJobsStorage: 'UseDevelopmentStorage=true',
            GATEWAY_ENVIRONMENT: 'production',
            GATEWAY_TENANT_ID: sample.Values.GATEWAY_TENANT_ID,
            GATEWAY_API_CLIENT_ID: sample.Values.GATEWAY_API_CLIENT_ID,
            GATEWAY_API_APP_ID_URI: 'api://cancel-gateway',
            GRAPH_CLIENT_ID: sample.Values.GRAPH_CLIENT_ID,
        };
        const problemsOf = (settings: Record<string, string>): string => {
            try {
                parseConfig({ ...production, ...settings });
            } catch (error) {
                if (error instanceof ConfigError) return error.problems.join('\n');
                throw error;
            }
            return '';
        };

        it.each([
            ['https://localhost.:7444', 'localhost. is a loopback address'],
            ['https://app.localhost', 'app.localhost is a loopback address'],
            ['https://127.0.0.2', '127.0.0.2 is a loopback address'],
            ['https://0x7f000001', '127.0.0.1 is a loopback address'],
            ['https://[::1]', '::1 is a loopback address'],
            ['https://[::ffff:127.0.0.1]', '::ffff:7f00:1 is a loopback address'],
            ['https://[::ffff:7f00:1]', '::ffff:7f00:1 is a loopback address'],
            ['https://0.0.0.0', '0.0.0.0 is a unspecified address'],
            ['https://10.1.2.3', '10.1.2.3 is a private address'],
            ['https://192.168.0.10', '192.168.0.10 is a private address'],
            ['https://169.254.169.254', '169.254.169.254 is a metadata address'],
            ['https://[fd00::1]', 'fd00::1 is a unique-local address'],
            ['http://login.microsoftonline.com', 'it must use https'],
            ['https://login.microsoftonline.com:8443', 'default https port'],
            ['https://user:pw@login.microsoftonline.com', 'must not carry credentials'],
            ['https://login.microsoftonline.com/common', 'must be an origin'],
            ['https://login.example.com', 'login.example.com is not an Entra ID authority host of a national cloud'],
            ['https://8.8.8.8', '8.8.8.8 is not an Entra ID authority host of a national cloud'],
        ])('refuses %s as AUTH_AUTHORITY_HOST (%s)', (value, reason) => {
            const problems = problemsOf({ AUTH_AUTHORITY_HOST: value });
            expect(problems).toMatch(/^AUTH_AUTHORITY_HOST: .* is not allowed in production: /m);
            expect(problems).toContain(reason);
        });

        it.each([
            ['https://localhost.:7444', 'loopback'],
            ['https://127.0.0.2', 'loopback'],
            ['https://[::ffff:127.0.0.1]', 'loopback'],
            ['https://0.0.0.0', 'unspecified'],
            ['https://172.16.0.1', 'private'],
            ['https://graph.example.com', 'not a Microsoft Graph host of a national cloud'],
            ['https://login.microsoftonline.com', 'not a Microsoft Graph host'],
        ])('refuses %s as GRAPH_BASE_URL (%s)', (value, reason) => {
            const problems = problemsOf({ GRAPH_BASE_URL: value });
            expect(problems).toMatch(/^GRAPH_BASE_URL: .* is not allowed in production: /m);
            expect(problems).toContain(reason);
        });

        it('refuses a non-public v1 issuer host, which needs no allow-list (nothing is sent there)', () => {
            expect(problemsOf({ AUTH_V1_ISSUER_HOST: 'https://127.0.0.2' })).toMatch(
                /^AUTH_V1_ISSUER_HOST: .*127\.0\.0\.2 is a loopback address/m,
            );
            expect(problemsOf({ AUTH_V1_ISSUER_HOST: 'https://sts.chinacloudapi.cn' })).toBe('');
        });

        it.each([
            ['https://login.microsoftonline.com', 'https://graph.microsoft.com'],
            ['https://login.microsoftonline.us', 'https://graph.microsoft.us'],
            ['https://login.microsoftonline.us', 'https://dod-graph.microsoft.us'],
            ['https://login.chinacloudapi.cn', 'https://microsoftgraph.chinacloudapi.cn'],
            ['https://login.partner.microsoftonline.cn', 'https://microsoftgraph.chinacloudapi.cn/'],
        ])('accepts the national cloud %s with %s', (authority, graph) => {
            const config = parseConfig({ ...production, AUTH_AUTHORITY_HOST: authority, GRAPH_BASE_URL: graph });
            expect(config.auth.authorityHost).toBe(authority);
            expect(config.graph.baseUrl).toBe(graph.replace(/\/$/, ''));
        });

        it('accepts another host only when CUSTOM_CLOUD_HOSTS names it, and never a non-public address', () => {
            const custom = {
                AUTH_AUTHORITY_HOST: 'https://login.sovereign.example',
                GRAPH_BASE_URL: 'https://graph.sovereign.example',
            };
            expect(problemsOf(custom)).toMatch(/name it in CUSTOM_CLOUD_HOSTS/);
            const config = parseConfig({
                ...production,
                ...custom,
                CUSTOM_CLOUD_HOSTS: ' login.sovereign.example, Graph.Sovereign.Example ',
            });
            expect(config.auth.authorityHost).toBe('https://login.sovereign.example');
            expect(config.graph.baseUrl).toBe('https://graph.sovereign.example');
            expect(problemsOf({ AUTH_AUTHORITY_HOST: 'https://127.0.0.2', CUSTOM_CLOUD_HOSTS: '127.0.0.2' })).toMatch(
                /^CUSTOM_CLOUD_HOSTS: '127\.0\.0\.2' is a loopback address/m,
            );
            expect(problemsOf({ CUSTOM_CLOUD_HOSTS: 'localhost' })).toMatch(
                /^CUSTOM_CLOUD_HOSTS: 'localhost' is a loopback/m,
            );
            expect(problemsOf({ CUSTOM_CLOUD_HOSTS: 'login.example.com:8443' })).toMatch(
                /^CUSTOM_CLOUD_HOSTS: .*not a host name/m,
            );
        });

        it('keeps accepting the emulator on localhost in development', () => {
            const config = parseConfig(sample.Values);
            expect(config.auth.authorityHost).toBe('https://localhost:7444');
            expect(config.graph.baseUrl).toBe('https://localhost:7444');
        });
    });
});
