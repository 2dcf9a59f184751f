import * as path from 'node:path';
import { azuriteConnectionString, startAzurite } from './azurite';
import { type ManagedProcess, startNodeProcess, waitForHttp } from './processes';
import { repoRoot } from './paths';
import { ensureDevTls } from './tls/devCa';
import { loadSigningKeys } from './identity/signingKeys';

/** Ports of the local stack; each can be overridden by the environment variable of the same name. */
function port(name: string, fallback: number): number {
    const value = process.env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a TCP port, got "${value}"`);
    return n;
}

function banner(
    urls: { gateway: string; gatewayTls: string; emulator: string; emulatorTls: string },
    caPath: string,
    emulatorTlsPort: number,
) {
    // Tokens carry the emulator's TLS origin as issuer, so a moved emulator port must reach the token command too.
    const tokenEnv = emulatorTlsPort === 7444 ? '' : `GRAPH_EMULATOR_TLS_PORT=${emulatorTlsPort} `;
    const lines = [
        '',
        'Cancel Gateway local stack is up (development mode: dev tokens trusted, loopback webhooks allowed).',
        '',
        `  gateway         ${urls.gateway}/api/`,
        `  gateway (TLS)   ${urls.gatewayTls}/api/`,
        `  Graph emulator  ${urls.emulator}/  (admin: ${urls.emulator}/_emulator/requests)`,
        `  emulator (TLS)  ${urls.emulatorTls}/`,
        `  dev CA          ${caPath}`,
        '',
        'Get a demo token (alice, organizer of "Budget review"):',
        `  TOKEN=$(${tokenEnv}npm run --silent token -- --user alice@contoso.test --scp Calendars.ReadWrite)`,
        '',
        'Sample requests:',
        `  curl -s ${urls.gateway}/api/health`,
        `  curl -i -X POST ${urls.gateway}/api/v1.0/me/events/AAMkADdemo-budget-review-alice=/cancel \\`,
        `       -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"comment":"Moved to next week"}'`,
        `  curl -s ${urls.gateway}/api/cancellations -H "Authorization: Bearer $TOKEN"`,
        '',
        'Watch webhook deliveries (another terminal): npm run receiver',
        '',
        'Ctrl-C stops everything.',
        '',
    ];
    process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
    const ports = {
        gateway: port('FUNCTIONS_HTTP_PORT', 7071),
        gatewayTls: port('FUNCTIONS_HTTPS_PORT', 7443),
        emulator: port('GRAPH_EMULATOR_PORT', 7072),
        emulatorTls: port('GRAPH_EMULATOR_TLS_PORT', 7444),
        blob: port('AZURITE_BLOB_PORT', 10000),
        queue: port('AZURITE_QUEUE_PORT', 10001),
        table: port('AZURITE_TABLE_PORT', 10002),
    };
    const tls = ensureDevTls();
    loadSigningKeys();

    const stopping: Array<() => Promise<void>> = [];
    const stopAll = async () => {
        for (const stop of stopping.reverse()) await stop().catch(() => undefined);
    };
    let shuttingDown = false;
    const shutdown = (code: number) => {
        if (shuttingDown) return;
        shuttingDown = true;
        void stopAll().then(() => process.exit(code));
    };
    process.on('SIGINT', () => shutdown(0));
    process.on('SIGTERM', () => shutdown(0));

    try {
        process.stdout.write('Starting Azurite (in memory, telemetry off)...\n');
        const azurite = await startAzurite({
            blobPort: ports.blob,
            queuePort: ports.queue,
            tablePort: ports.table,
            location: process.env.AZURITE_LOCATION,
        });
        stopping.push(() => azurite.stop());

        const env = { ...process.env, NODE_EXTRA_CA_CERTS: tls.caPath };
        const emulatorTls = `https://localhost:${ports.emulatorTls}`;
        const emulator: ManagedProcess = startNodeProcess(
            'emulator',
            path.join(repoRoot, 'dist/dev/graph-emulator/main.js'),
            [],
            { ...env, GRAPH_EMULATOR_PORT: String(ports.emulator), GRAPH_EMULATOR_TLS_PORT: String(ports.emulatorTls) },
        );
        stopping.push(() => emulator.stop());
        const emulatorUrl = `http://127.0.0.1:${ports.emulator}`;
        await waitForHttp(`${emulatorUrl}/_emulator/requests`, { timeoutMs: 30_000, child: emulator.child });

        const host = startNodeProcess(
            'host',
            path.join(repoRoot, 'dist/dev/host/main.js'),
            ['--script-root', repoRoot],
            {
                ...env,
                FUNCTIONS_HTTP_PORT: String(ports.gateway),
                FUNCTIONS_HTTPS_PORT: String(ports.gatewayTls),
                // The stack's own ports win over local.settings.json, so overriding a port needs nothing else.
                AzureWebJobsStorage: azuriteConnectionString(ports),
                AUTH_AUTHORITY_HOST: emulatorTls,
                AUTH_V1_ISSUER_HOST: emulatorTls,
                GRAPH_BASE_URL: emulatorTls,
            },
        );
        stopping.push(() => host.stop());
        const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
        await waitForHttp(`${gatewayUrl}/api/health`, { timeoutMs: 60_000, child: host.child });

        banner(
            {
                gateway: gatewayUrl,
                gatewayTls: `https://localhost:${ports.gatewayTls}`,
                emulator: emulatorUrl,
                emulatorTls,
            },
            tls.caPath,
            ports.emulatorTls,
        );
        for (const part of [emulator, host]) {
            part.child.once('exit', (code) => {
                if (shuttingDown) return;
                process.stderr.write(`${part.name} exited (code ${code}); stopping the stack.\n`);
                shutdown(1);
            });
        }
    } catch (error) {
        process.stderr.write(`npm start failed: ${(error as Error).message}\n`);
        await stopAll();
        process.exit(1);
    }
}

void main();
