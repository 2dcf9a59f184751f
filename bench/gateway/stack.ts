import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { azuriteConnectionString, freePort, type RunningAzurite, startAzurite } from '../../dev/azurite';
import { repoRoot } from '../../dev/paths';
import { waitForHttp } from '../../dev/processes';
import { ensureDevTls } from '../../dev/tls/devCa';
import type { StackProcesses } from './processCpu';
import { type CountingProxy, startCountingProxy } from './storageRoundTrips';

/** Lines of a child's output kept to explain a failure. */
const keptOutputLines = 200;
const startTimeoutMs = 60_000;

/** The local stack the bench drives, each part in its own process so none shares an event loop with the load. */
export interface BenchStack {
    readonly gatewayUrl: string;
    /** Plain http: the admin API and the token endpoint. */
    readonly emulatorUrl: string;
    /** What the gateway calls Graph on (GRAPH_BASE_URL), so direct calls go there too. */
    readonly emulatorTlsUrl: string;
    /** pid of the local Functions host (the gateway) process. */
    readonly hostPid: number;
    /** Azurite's connection string (the host's `AzureWebJobsStorage`). */
    readonly storageConnectionString: string;
    /** Every process of the stack by role (host, Azurite's services, the Graph emulator), for CPU accounting. */
    readonly processes: StackProcesses;
    /** The settings the host was started with (over `process.env`), for running the app's code elsewhere. */
    readonly appEnv: NodeJS.ProcessEnv;
    /** Folder of the build the host runs. */
    readonly appRoot: string;
    /** The host's Storage requests so far by purpose, counted by a proxy in front of Azurite's table and queue. */
    storageRequests(): ReadonlyMap<string, number>;
    /** The host's recent output. */
    hostOutput(): string;
    stop(): Promise<void>;
}

interface Child {
    readonly process: ChildProcess;
    readonly output: string[];
}

function startChild(script: string, args: readonly string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Child {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    // Drained like a terminal would, keeping only the tail: the host logs several lines per request.
    const keep = (chunk: Buffer): void => {
        output.push(chunk.toString('utf8'));
        if (output.length > keptOutputLines) output.splice(0, output.length - keptOutputLines);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return { process: child, output };
}

function stopChild(child: Child): Promise<void> {
    const { process: p } = child;
    if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
    });
}

/**
 * Starts an in-memory Azurite, the Graph emulator (`dist/dev/graph-emulator/main.js`) and the local host running
 * the compiled app (`dist/dev/host/main.js`) with the sample settings pointed at them, as test/support/stack.ts
 * does. `cpuProfDir`: the host runs with `--cpu-prof` and writes its profile there when it stops. `hostEnv`: more
 * settings for the host; with `FUNCTIONS_HTTPS_PORT` in it the host also serves its TLS twin (Graph calls back there).
 */
export async function startBenchStack(
    cpuProfDir: string | undefined,
    appRoot = repoRoot,
    hostEnv: Readonly<Record<string, string>> = {},
): Promise<BenchStack> {
    const tls = ensureDevTls();
    const started: Child[] = [];
    let azurite: RunningAzurite | undefined;
    const proxies: CountingProxy[] = [];
    const stop = async (): Promise<void> => {
        // The host first: it flushes its CPU profile on a clean exit.
        for (const child of [...started].reverse()) await stopChild(child);
        await Promise.all(proxies.map((proxy) => proxy.close()));
        await azurite?.stop();
    };
    try {
        azurite = await startAzurite({
            blobPort: await freePort(),
            queuePort: await freePort(),
            tablePort: await freePort(),
        });
        // The host reaches tables and queues through counting proxies (a loopback hop each way, charged to the
        // gateway's latency); the bench itself talks to Azurite directly, uncounted.
        const tableProxy = await startCountingProxy('table', azurite.ports.table);
        proxies.push(tableProxy);
        const queueProxy = await startCountingProxy('queue', azurite.ports.queue);
        proxies.push(queueProxy);
        const hostStorage = azuriteConnectionString({
            blob: azurite.ports.blob,
            queue: queueProxy.port,
            table: tableProxy.port,
        });
        const [emulatorPort, emulatorTlsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
        const emulator = startChild(path.join(repoRoot, 'dist/dev/graph-emulator/main.js'), [], {
            ...process.env,
            GRAPH_EMULATOR_PORT: String(emulatorPort),
            GRAPH_EMULATOR_TLS_PORT: String(emulatorTlsPort),
        });
        started.push(emulator);
        const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
        const emulatorTlsUrl = `https://localhost:${emulatorTlsPort}`;
        await waitForHttp(`${emulatorUrl}/_emulator/health`, { timeoutMs: startTimeoutMs, child: emulator.process });

        if (cpuProfDir !== undefined) fs.mkdirSync(cpuProfDir, { recursive: true });
        const appEnv: NodeJS.ProcessEnv = {
            ...process.env,
            NODE_EXTRA_CA_CERTS: tls.caPath,
            AzureWebJobsStorage: hostStorage,
            AUTH_AUTHORITY_HOST: emulatorTlsUrl,
            AUTH_V1_ISSUER_HOST: emulatorTlsUrl,
            GRAPH_BASE_URL: emulatorTlsUrl,
        };
        const host = startChild(
            path.join(appRoot, 'dist/dev/host/main.js'),
            ['--script-root', appRoot, ...(hostEnv.FUNCTIONS_HTTPS_PORT === undefined ? ['--no-https'] : [])],
            { ...appEnv, FUNCTIONS_HTTP_PORT: String(httpPort), ...hostEnv },
            cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`],
        );
        started.push(host);
        const gatewayUrl = `http://127.0.0.1:${httpPort}`;
        try {
            await waitForHttp(`${gatewayUrl}/api/health`, { timeoutMs: startTimeoutMs, child: host.process });
        } catch (error) {
            throw new Error(`${(error as Error).message}\nhost output:\n${host.output.join('')}`);
        }
        return {
            gatewayUrl,
            emulatorUrl,
            emulatorTlsUrl,
            hostPid: host.process.pid!,
            storageConnectionString: azurite.connectionString,
            processes: { host: host.process.pid!, azurite: azurite.pid, emulator: emulator.process.pid! },
            appEnv,
            appRoot: path.resolve(appRoot),
            storageRequests: () => new Map([...tableProxy.counts(), ...queueProxy.counts()]),
            hostOutput: () => host.output.join(''),
            stop,
        };
    } catch (error) {
        await stop();
        throw error;
    }
}
