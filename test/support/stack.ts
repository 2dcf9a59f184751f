import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { freePort } from '../../dev/azurite';
import { startGraphEmulator } from '../../dev/graph-emulator/server';
import { mintToken, type MintOptions } from '../../dev/identity/mintToken';
import { repoRoot } from '../../dev/paths';
import { waitForHttp } from '../../dev/processes';
import { testStorageConnectionString } from './storage';

export interface LocalStack {
    /** `http://127.0.0.1:<port>` of the local host running the app. */
    readonly gatewayUrl: string;
    /** `https://localhost:<port>` of the host's TLS twin. */
    readonly gatewayTlsUrl: string;
    readonly emulatorUrl: string;
    readonly emulatorTlsUrl: string;
    /** A token for the gateway, issued by the emulator's dev tenant. */
    token(options?: MintOptions): string;
    /** Everything the host printed so far. */
    readonly hostOutput: string[];
    stop(): Promise<void>;
}

/**
 * The product as a user meets it: the Graph emulator (in this process), the local host running the compiled
 * app (`npm run build` first; `npm test` does) as a child process, and the test run's Azurite.
 */
export async function startLocalStack(extraEnv: Record<string, string> = {}): Promise<LocalStack> {
    const emulator = await startGraphEmulator({ port: 0, tlsPort: 0 });
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const hostOutput: string[] = [];
    const child: ChildProcess = spawn(
        process.execPath,
        [path.join(repoRoot, 'dist/dev/host/main.js'), '--script-root', repoRoot],
        {
            env: {
                ...process.env,
                FUNCTIONS_HTTP_PORT: String(httpPort),
                FUNCTIONS_HTTPS_PORT: String(httpsPort),
                AzureWebJobsStorage: testStorageConnectionString(),
                AUTH_AUTHORITY_HOST: emulator.tlsUrl,
                AUTH_V1_ISSUER_HOST: emulator.tlsUrl,
                GRAPH_BASE_URL: emulator.tlsUrl,
                ...extraEnv,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
        },
    );
    for (const stream of [child.stdout!, child.stderr!]) {
        readline.createInterface({ input: stream }).on('line', (line) => hostOutput.push(line));
    }
    const gatewayUrl = `http://127.0.0.1:${httpPort}`;
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            await exited;
        }
        await emulator.close();
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
        hostOutput,
        stop,
    };
}
