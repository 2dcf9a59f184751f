import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { repoRoot } from '../dev/paths';
import { waitForHttp } from '../dev/processes';

const hostStartTimeoutMs = 30_000;

export interface HostSupervisor {
    readonly url: string;
    /** Starts the host (again) on the same ports and waits for `/api/health`. */
    start(): Promise<void>;
    /** SIGKILL: no drain, no shutdown hooks, in-flight requests and queue messages cut off mid-way. */
    kill(): Promise<void>;
    /** Graceful stop (SIGTERM) at the end of the run. */
    stop(): Promise<void>;
    readonly kills: number;
    readonly starts: number;
    /** The last lines the host printed, across restarts. */
    tail(lines: number): string[];
}

/**
 * Runs the compiled local host (`dist/dev/host/main.js`) as a child process on fixed ports, so that a restart after
 * a SIGKILL is the same endpoint to clients, on the same Azurite. Its output goes to `logFile`.
 */
export function hostSupervisor(options: {
    httpPort: number;
    httpsPort: number;
    env: Record<string, string>;
    logFile: string;
    echo: boolean;
}): HostSupervisor {
    const url = `http://127.0.0.1:${options.httpPort}`;
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const log = fs.createWriteStream(options.logFile, { flags: 'a' });
    const recent: string[] = [];
    let child: ChildProcess | undefined;
    let kills = 0;
    let starts = 0;

    const record = (line: string) => {
        log.write(`${line}\n`);
        recent.push(line);
        if (recent.length > 2_000) recent.splice(0, recent.length - 1_000);
        if (options.echo) process.stdout.write(`[host] ${line}\n`);
    };
    const exited = (c: ChildProcess) =>
        c.exitCode !== null || c.signalCode !== null
            ? Promise.resolve()
            : new Promise<void>((resolve) => c.once('exit', () => resolve()));

    return {
        url,
        get kills() {
            return kills;
        },
        get starts() {
            return starts;
        },
        tail: (lines) => recent.slice(-lines),
        async start() {
            starts++;
            record(`--- chaos: host start #${starts} ---`);
            const started = spawn(
                process.execPath,
                [path.join(repoRoot, 'dist/dev/host/main.js'), '--script-root', repoRoot],
                {
                    env: {
                        ...process.env,
                        ...options.env,
                        FUNCTIONS_HTTP_PORT: String(options.httpPort),
                        FUNCTIONS_HTTPS_PORT: String(options.httpsPort),
                    },
                    stdio: ['ignore', 'pipe', 'pipe'],
                },
            );
            child = started;
            for (const stream of [started.stdout, started.stderr]) {
                readline.createInterface({ input: stream }).on('line', record);
            }
            // 503 is the app answering too: the run injects Graph faults, which the health check's Graph probes see.
            await waitForHttp(`${url}/api/health`, {
                timeoutMs: hostStartTimeoutMs,
                expectedStatus: [200, 503],
                child: started,
            });
        },
        async kill() {
            if (!child) return;
            kills++;
            record(`--- chaos: SIGKILL #${kills} ---`);
            const dying = exited(child);
            child.kill('SIGKILL');
            await dying;
        },
        async stop() {
            if (child) {
                const stopping = exited(child);
                child.kill('SIGTERM');
                const force = setTimeout(() => child?.kill('SIGKILL'), 15_000);
                await stopping;
                clearTimeout(force);
            }
            await new Promise<void>((resolve) => log.end(resolve));
        },
    };
}
