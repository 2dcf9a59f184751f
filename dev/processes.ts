import { type ChildProcess, spawn } from 'node:child_process';
import * as readline from 'node:readline';

export interface ManagedProcess {
    readonly name: string;
    readonly child: ChildProcess;
    stop(): Promise<void>;
}

/** Starts a Node script as a child process and prefixes each line it prints with its name. */
export function startNodeProcess(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): ManagedProcess {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
        readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${name}] ${line}\n`));
    }
    return {
        name,
        child,
        stop: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null || child.signalCode !== null) return resolve();
                const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
                child.once('exit', () => {
                    clearTimeout(force);
                    resolve();
                });
                child.kill('SIGTERM');
            }),
    };
}

/** Polls `url` until it answers `expectedStatus` (one of them), or fails after `timeoutMs` or when `child` exits. */
export async function waitForHttp(
    url: string,
    options: { timeoutMs: number; expectedStatus?: number | readonly number[]; child?: ChildProcess },
): Promise<void> {
    const expected = [options.expectedStatus ?? 200].flat();
    const deadline = Date.now() + options.timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
        if (options.child && options.child.exitCode !== null) {
            throw new Error(`process exited with code ${options.child.exitCode} before ${url} answered`);
        }
        try {
            const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
            await response.body?.cancel();
            if (expected.includes(response.status)) return;
            last = `status ${response.status}`;
        } catch (error) {
            last = (error as Error).message;
        }
        await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${url} did not answer ${expected.join(' or ')} within ${options.timeoutMs} ms (${last})`);
}
