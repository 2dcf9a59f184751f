import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../../dev/azurite';
import { repoRoot } from '../../../dev/paths';
import { testStorageConnectionString } from '../../support/storage';

export const hostMain = path.join(repoRoot, 'dist', 'dev', 'host', 'main.js');
export const fixturesDir = path.join(repoRoot, 'test', 'host', 'fixtures');

export interface HostProcess {
    url: string;
    tlsUrl: string;
    child: ChildProcess;
    /** Every stdout and stderr line so far. */
    lines: string[];
    /** Parsed `RESULT {json}` lines printed by fixture functions. */
    results(): Record<string, unknown>[];
    waitFor<T>(probe: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
    /** SIGTERM, then resolves with the exit code. */
    stop(): Promise<number | null>;
}

export interface HostProcessOptions {
    env?: Record<string, string>;
    args?: string[];
    /** Resolve as soon as the process exits or starts (for start-up failures). */
    expectFailure?: boolean;
}

/** Spawns `node dist/dev/host/main.js --script-root <fixture>` on free ports against the test Azurite. */
export async function startHostProcess(fixture: string, options: HostProcessOptions = {}): Promise<HostProcess> {
    if (!fs.existsSync(hostMain)) throw new Error(`${hostMain} is missing: run \`npm run build\` first`);
    const port = await freePort();
    const tlsPort = await freePort();
    const scriptRoot = path.isAbsolute(fixture) ? fixture : path.join(fixturesDir, fixture);
    const child = spawn(
        process.execPath,
        [
            hostMain,
            '--script-root',
            scriptRoot,
            '--port',
            String(port),
            '--https-port',
            String(tlsPort),
            ...(options.args ?? []),
        ],
        {
            env: {
                ...process.env,
                AzureWebJobsStorage: testStorageConnectionString(),
                QueueConnection: testStorageConnectionString(),
                ...options.env,
            },
            stdio: ['ignore', 'pipe', 'pipe'],
        },
    );
    const lines: string[] = [];
    const collect = (stream: NodeJS.ReadableStream): void => {
        let buffer = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
            buffer += chunk;
            const parts = buffer.split('\n');
            buffer = parts.pop() ?? '';
            lines.push(...parts);
            // Held by the quiet test environment: shown only when the test fails.
            for (const line of parts) console.info(`host | ${line}`);
        });
    };
    collect(child.stdout);
    collect(child.stderr);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const waitFor = async <T>(
        probe: () => T | undefined | false,
        timeoutMs = 10_000,
        what = 'condition',
    ): Promise<T> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const value = probe();
            if (value !== undefined && value !== false) return value;
            if (Date.now() > deadline) {
                throw new Error(`Timed out waiting for ${what}. Host output:\n${lines.slice(-60).join('\n')}`);
            }
            await new Promise((r) => setTimeout(r, 25));
        }
    };

    const host: HostProcess = {
        url: `http://127.0.0.1:${port}`,
        tlsUrl: `https://localhost:${tlsPort}`,
        child,
        lines,
        results: () =>
            lines
                .filter((l) => l.startsWith('RESULT '))
                .map((l) => JSON.parse(l.slice('RESULT '.length)) as Record<string, unknown>),
        waitFor,
        stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
        },
    };
    if (options.expectFailure) {
        await exited;
        return host;
    }
    await waitFor(
        () => lines.some((l) => l.includes('Host started.')) || child.exitCode !== null,
        15_000,
        'host start',
    );
    if (child.exitCode !== null) throw new Error(`Host exited with ${child.exitCode}:\n${lines.join('\n')}`);
    return host;
}
