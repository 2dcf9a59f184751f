import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { repoRoot } from './paths';

export interface AzuriteOptions {
    blobPort: number;
    queuePort: number;
    tablePort: number;
    /** Folder for Azurite's data; omit for in-memory persistence. */
    location?: string;
    /** Forward Azurite's own output (access log stays off). */
    inheritOutput?: boolean;
}

export interface RunningAzurite {
    connectionString: string;
    ports: { blob: number; queue: number; table: number };
    pid: number;
    stop(): Promise<void>;
}

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const devAccount = 'devstoreaccount1';
const devAccountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(ports: { blob: number; queue: number; table: number }): string {
    const host = 'http://127.0.0.1';
    return [
        'DefaultEndpointsProtocol=http',
        `AccountName=${devAccount}`,
        `AccountKey=${devAccountKey}`,
        `BlobEndpoint=${host}:${ports.blob}/${devAccount}`,
        `QueueEndpoint=${host}:${ports.queue}/${devAccount}`,
        `TableEndpoint=${host}:${ports.table}/${devAccount}`,
    ].join(';');
}

/** Picks a free TCP port on loopback. */
export async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() =>
                typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
            );
        });
    });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}`);
        const open = await new Promise<boolean>((resolve) => {
            const socket = net.connect(port, '127.0.0.1');
            socket.once('connect', () => {
                socket.destroy();
                resolve(true);
            });
            socket.once('error', () => resolve(false));
        });
        if (open) return;
        if (Date.now() > deadline) throw new Error(`Azurite did not open port ${port} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

/** Starts Azurite (blob, queue, table) from the project's own dependency, with telemetry off. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
    const bin = path.join(repoRoot, 'node_modules', 'azurite', 'dist', 'src', 'azurite.js');
    const args = [
        bin,
        '--silent',
        '--disableTelemetry',
        '--skipApiVersionCheck',
        '--loose',
        '--blobPort',
        String(options.blobPort),
        '--queuePort',
        String(options.queuePort),
        '--tablePort',
        String(options.tablePort),
        ...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']),
    ];
    const child = spawn(process.execPath, args, {
        stdio: options.inheritOutput ? 'inherit' : 'ignore',
        cwd: options.location ?? repoRoot,
    });
    const ports = { blob: options.blobPort, queue: options.queuePort, table: options.tablePort };
    try {
        await Promise.all([ports.blob, ports.queue, ports.table].map((p) => waitForPort(p, child, 20_000)));
    } catch (error) {
        child.kill('SIGKILL');
        throw error;
    }
    return {
        connectionString: azuriteConnectionString(ports),
        ports,
        pid: child.pid ?? 0,
        stop: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once('exit', () => resolve());
                child.kill('SIGTERM');
            }),
    };
}
