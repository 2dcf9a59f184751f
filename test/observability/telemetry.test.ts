import { spawn } from 'node:child_process';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ensureDevTls } from '../../dev/tls/devCa';
import { repoRoot } from '../../dev/paths';
import { telemetrySettings } from '../../src/observability/telemetry';

/**
 * Telemetry as a deployment meets it: the compiled bootstrap every function entry imports first, in a fresh Node
 * process (the OpenTelemetry SDK patches process-wide), exporting to an HTTPS stand-in for Application Insights'
 * ingestion endpoint (`IngestionEndpoint=` of the connection string).
 */

const bootstrap = path.join(repoRoot, 'dist/src/observability/telemetryBootstrap.js');
const secretToken = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl';

interface Envelope {
    name: string;
    data: { baseType: string; baseData: Record<string, unknown> };
}

/** Runs `script` after the bootstrap in a child process with `env` on top of a clean environment. */
function runWithBootstrap(script: string, env: Record<string, string>): Promise<string> {
    const clean = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/^(APPLICATIONINSIGHTS|OTEL)_/.test(name)),
    );
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(bootstrap)});\n${script}`], {
        cwd: repoRoot,
        env: { ...clean, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return new Promise((resolve, reject) =>
        child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`exit ${code}: ${output}`)))),
    );
}

/** An HTTPS server that records Application Insights envelopes (`POST /v2.1/track`) and answers anything else 200. */
async function startIngestionStandIn() {
    const tls = ensureDevTls();
    const envelopes: Envelope[] = [];
    const rawBodies: string[] = [];
    const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            const body = Buffer.concat(chunks);
            if (req.url === '/v2.1/track') {
                const text = (req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(body) : body).toString();
                rawBodies.push(text);
                envelopes.push(...(JSON.parse(text) as Envelope[]));
                res.writeHead(200, { 'Content-Type': 'application/json' });
                return void res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
            }
            res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"value":[]}');
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `https://localhost:${(server.address() as AddressInfo).port}`;
    return { origin, envelopes, rawBodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('telemetry export', () => {
    it('is off without a connection string: nothing of OpenTelemetry is even loaded', async () => {
        const output = await runWithBootstrap(
            `const loaded = Object.keys(require.cache).filter((file) => /opentelemetry/.test(file));
             console.log(JSON.stringify(loaded));`,
            {},
        );
        expect(JSON.parse(output.trim())).toEqual([]);
    });

    it('exports Graph-style fetch calls and node:http calls as dependencies, without their credentials', async () => {
        const ingestion = await startIngestionStandIn();
        try {
            await runWithBootstrap(
                `(async () => {
                    const url = '${ingestion.origin}';
                    await (await fetch(url + '/v1.0/users/alice/events/AAMk/cancel', {
                        method: 'POST', headers: { Authorization: 'Bearer ${secretToken}' } })).text();
                    await new Promise((resolve, reject) => require('node:https')
                        .get(url + '/devstoreaccount1/Tables', (res) => res.resume().on('end', resolve)).on('error', reject));
                    await require('@azure/monitor-opentelemetry').shutdownAzureMonitor();
                })().catch((error) => { console.error(error); process.exit(1); });`,
                {
                    NODE_EXTRA_CA_CERTS: path.join(repoRoot, '.dev/ca.pem'),
                    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=11111111-1111-4111-8111-111111111111;IngestionEndpoint=${ingestion.origin}/`,
                    // The distro's default rate-limited sampler may drop a process's first spans; the test wants all.
                    OTEL_TRACES_SAMPLER: 'always_on',
                    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
                },
            );
        } finally {
            await ingestion.close();
        }
        const dependencies = ingestion.envelopes
            .filter((envelope) => envelope.data.baseType === 'RemoteDependencyData')
            .map((envelope) => envelope.data.baseData);
        expect(dependencies).toEqual(
            expect.arrayContaining([
                expect.objectContaining({
                    type: 'Http',
                    name: 'POST /v1.0/users/alice/events/AAMk/cancel',
                    resultCode: '200',
                    success: true,
                }),
                expect.objectContaining({ type: 'Http', name: 'GET /devstoreaccount1/Tables', success: true }),
            ]),
        );
        expect(ingestion.rawBodies.join('\n')).not.toContain(secretToken);
    });
});

describe('telemetry settings', () => {
    it('is off when the connection string is absent or blank', () => {
        expect(telemetrySettings({}).enabled).toBe(false);
        expect(telemetrySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: '  ' }).enabled).toBe(false);
    });

    it('signs in with the managed identity named by the authentication string (Authorization=AAD)', () => {
        const settings = telemetrySettings({
            APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k',
            APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
                'ClientId=1d0c0e0a-0000-4000-8000-000000000001;Authorization=AAD',
        });
        expect(settings).toEqual({
            enabled: true,
            connectionString: 'InstrumentationKey=k',
            aadClientId: '1d0c0e0a-0000-4000-8000-000000000001',
        });
        expect(
            telemetrySettings({ APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=x' }).aadClientId,
        ).toBeUndefined();
    });
});
