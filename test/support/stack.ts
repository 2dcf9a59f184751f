import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { freePort, startAzurite } from '../../dev/azurite';
import type { Fixture } from '../../dev/graph-emulator/fixture';
import { startGraphEmulator } from '../../dev/graph-emulator/server';
import type { Clock } from '../../dev/graph-emulator/time';
import { mintToken, type MintOptions } from '../../dev/identity/mintToken';
import { repoRoot } from '../../dev/paths';
import { statusOf } from '../../src/adapters/tables/tableClients';
import { waitForHttp } from '../../dev/processes';
import { emulatorAdmin } from './emulatorAdmin';
import { TableClient, TableServiceClient } from '@azure/data-tables';
import { QueueServiceClient } from '@azure/storage-queue';

export interface LocalStack {
    /** `http://127.0.0.1:<port>` of the local host running the app. */
    readonly gatewayUrl: string;
    /** `https://localhost:<port>` of the host's TLS twin. */
    readonly gatewayTlsUrl: string;
    readonly emulatorUrl: string;
    readonly emulatorTlsUrl: string;
    /** A token for the gateway, issued by the emulator's dev tenant. */
    token(options?: MintOptions): string;
    /** Connection string of this stack's own Azurite. */
    readonly storageConnectionString: string;
    /** Everything the host printed so far. */
    readonly hostOutput: string[];
    /** Reseeds the emulator's demo tenant and empties the gateway's tables and queues. */
    reset(): Promise<void>;
    stop(): Promise<void>;
}

const settleTimeoutMs = 3_000;

/**
 * Waits (bounded) until no cancellation still owes its notification: the host sends it just after answering, and a
 * send that lands after the reset would leak into the next test.
 */
async function waitForOwedNotifications(connectionString: string): Promise<void> {
    const client = TableClient.fromConnectionString(connectionString, 'cancellations', {
        allowInsecureConnection: true,
    });
    const deadline = Date.now() + settleTimeoutMs;
    while (Date.now() < deadline) {
        try {
            const owing = client.listEntities({ queryOptions: { filter: 'notificationPending eq true' } });
            if ((await owing.next()).done) return;
        } catch (error) {
            if (statusOf(error) === 404) return; // no table yet: nothing owed
            throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

/**
 * One reconciliation pass on demand (`POST /api/reconcile`, the operator's button), started once no cancellation still
 * owes its notification: the host sends it just after its 202, and a pass that meets that write leaves the record to a
 * later pass.
 */
export async function postReconcile(stack: LocalStack, token: string): Promise<Response> {
    await waitForOwedNotifications(stack.storageConnectionString);
    return fetch(`${stack.gatewayUrl}/api/reconcile`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
    });
}

async function emptyStorage(connectionString: string): Promise<void> {
    await waitForOwedNotifications(connectionString);
    const options = { allowInsecureConnection: true };
    for await (const table of TableServiceClient.fromConnectionString(connectionString, options).listTables()) {
        if (!table.name) continue;
        const client = TableClient.fromConnectionString(connectionString, table.name, options);
        for await (const entity of client.listEntities<object>()) {
            await client.deleteEntity(entity.partitionKey!, entity.rowKey!).catch((error: unknown) => {
                // Already gone (the host's own functions delete rows too): that is the goal.
                if (statusOf(error) !== 404) throw error;
            });
        }
    }
    const queues = QueueServiceClient.fromConnectionString(connectionString);
    for await (const queue of queues.listQueues()) await queues.getQueueClient(queue.name).clearMessages();
}

/**
 * The product as a user meets it: the Graph emulator (in this process), its own in-memory Azurite, and the local
 * host running the compiled app (`npm run build` first; `npm test` does) as a child process. `graphFixture` seeds the
 * emulator instead of the demo tenant from the start (e.g. the gateway's app with fewer roles: the host keeps its
 * first token); `reset()` goes back to the demo tenant.
 */
export async function startLocalStack(
    extraEnv: Record<string, string> = {},
    options: {
        readonly graphFixture?: Fixture;
        /** The base clock of the emulator's sending limit (default the system clock). */
        readonly emulatorClock?: Clock;
        /** The app the host runs: the repository's tsc output by default, or e.g. a deployment bundle's folder. */
        readonly scriptRoot?: string;
    } = {},
): Promise<LocalStack> {
    const azurite = await startAzurite({
        blobPort: await freePort(),
        queuePort: await freePort(),
        tablePort: await freePort(),
    });
    const emulator = await startGraphEmulator({
        port: 0,
        tlsPort: 0,
        fixture: options.graphFixture,
        clock: options.emulatorClock,
    });
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const hostOutput: string[] = [];
    const child: ChildProcess = spawn(
        process.execPath,
        [path.join(repoRoot, 'dist/dev/host/main.js'), '--script-root', options.scriptRoot ?? repoRoot],
        {
            env: {
                ...process.env,
                FUNCTIONS_HTTP_PORT: String(httpPort),
                FUNCTIONS_HTTPS_PORT: String(httpsPort),
                AzureWebJobsStorage: azurite.connectionString,
                AUTH_AUTHORITY_HOST: emulator.tlsUrl,
                AUTH_V1_ISSUER_HOST: emulator.tlsUrl,
                GRAPH_BASE_URL: emulator.tlsUrl,
                // Tests run passes on demand (postReconcile); a timer pass on the wall clock's five minutes would
                // race them for the same records (a CI run saw it take both of a test's records first).
                'AzureWebJobs.reconcileTimer.Disabled': 'true',
                ...extraEnv,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
        },
    );
    for (const stream of [child.stdout!, child.stderr!]) {
        readline.createInterface({ input: stream }).on('line', (line) => {
            hostOutput.push(line);
            // Held by the quiet test environment (test/support/quietEnvironment.ts): shown only when a test fails.
            console.info(`host | ${line}`);
        });
    }
    const gatewayUrl = `http://127.0.0.1:${httpPort}`;
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
        }
        await emulator.close();
        await azurite.stop();
    };
    try {
        await waitForHttp(`${gatewayUrl}/api/health`, { timeoutMs: 30_000, child });
    } catch (error) {
        await stop();
        throw new Error(`${(error as Error).message}\nhost output:\n${hostOutput.join('\n')}`);
    }
    return {
        gatewayUrl,
        gatewayTlsUrl: `https://localhost:${httpsPort}`,
        emulatorUrl: emulator.url,
        emulatorTlsUrl: emulator.tlsUrl,
        token: (options = {}) => mintToken({ issuerHost: emulator.tlsUrl, ...options }),
        storageConnectionString: azurite.connectionString,
        hostOutput,
        reset: async () => {
            const response = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
            if (!response.ok) throw new Error(`emulator reset failed: ${response.status}`);
            await emptyStorage(azurite.connectionString);
        },
        stop,
    };
}

export interface StackFixture {
    stack: LocalStack;
    admin: ReturnType<typeof emulatorAdmin>;
}

/**
 * One local stack for the test file, reset (demo tenant, empty tables and queues) before each test.
 * Read `stack` and `admin` inside tests and hooks, once `beforeAll` has run.
 */
export function useLocalStack(extraEnv: Record<string, string> = {}): StackFixture {
    const fixture = {} as StackFixture;
    beforeAll(async () => {
        fixture.stack = await startLocalStack(extraEnv);
        fixture.admin = emulatorAdmin(fixture.stack.emulatorUrl);
    }, 60_000);
    afterAll(() => fixture.stack?.stop());
    beforeEach(() => fixture.stack.reset());
    return fixture;
}
