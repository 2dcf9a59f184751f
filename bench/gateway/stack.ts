import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, type RunningAzurite, startAzurite } from '../../dev/azurite';
import { repoRoot } from '../../dev/paths';
import { waitForHttp } from '../../dev/processes';
import { ensureDevTls } from '../../dev/tls/devCa';
import type { StackProcesses } from './processCpu';

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
    const stop = async (): Promise<void> => {
        // The host first: it flushes its CPU profile on a clean exit.
        for (const child of [...started].reverse()) await stopChild(child);
        await azurite?.stop();
    };
    try {
        azurite = await startAzurite({
            blobPort: await freePort(),
            queuePort: await freePort(),
            tablePort: await freePort(),
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
        const host = startChild(
            path.join(appRoot, 'dist/dev/host/main.js'),
            ['--script-root', appRoot, ...(hostEnv.FUNCTIONS_HTTPS_PORT === undefined ? ['--no-https'] : [])],
            {
                ...process.env,
                NODE_EXTRA_CA_CERTS: tls.caPath,
                FUNCTIONS_HTTP_PORT: String(httpPort),
                AzureWebJobsStorage: azurite.connectionString,
                AUTH_AUTHORITY_HOST: emulatorTlsUrl,
                AUTH_V1_ISSUER_HOST: emulatorTlsUrl,
                GRAPH_BASE_URL: emulatorTlsUrl,
                ...hostEnv,
            },
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
            hostOutput: () => host.output.join(''),
            stop,
        };
    } catch (error) {
        await stop();
        throw error;
    }
}
