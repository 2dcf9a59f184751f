/**
 * The Graph emulator in a process of its own for bench:reconcile. Microsoft Graph does not run on the gateway's
 * thread: with the emulator in the bench's own process, its work on 10,000 `$batch` items (auth, routing, the
 * request log) would share one event loop with reconciliation's lookups and be counted as theirs.
 *
 * Child side (this file run by `fork`): seeds the bench's plan, starts the emulator on free ports, reports its URLs
 * over IPC and stops when the parent disconnects (it ended, or was killed).
 */
import { fork } from 'node:child_process';
import { type RunningGraphEmulator, startGraphEmulator } from '../../dev/graph-emulator/server';
import { graphPlan } from './graphFixture';

interface Ready {
    readonly url: string;
    readonly tlsUrl: string;
}

/** Starts the emulator seeded with `graphPlan(records, mailboxes)` in a child process. */
export function startEmulatorProcess(records: number, mailboxes: number): Promise<RunningGraphEmulator> {
    const child = fork(__filename, [String(records), String(mailboxes)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`the Graph emulator process exited (${code ?? 'signal'})`)));
        child.once('message', (message: Ready) => {
            resolve({
                url: message.url,
                tlsUrl: message.tlsUrl,
                close: async () => {
                    if (child.connected) child.disconnect();
                    await exited;
                },
            });
        });
    });
}

async function runChild(): Promise<void> {
    const [records, mailboxes] = process.argv.slice(2).map(Number);
    const plan = graphPlan(records ?? 0, mailboxes ?? 1);
    const emulator = await startGraphEmulator({ port: 0, tlsPort: 0, fixture: plan.fixture });
    process.once('disconnect', () => {
        void emulator.close().finally(() => process.exit(0));
    });
    process.send?.({ url: emulator.url, tlsUrl: emulator.tlsUrl } satisfies Ready);
}

if (require.main === module && process.send !== undefined) {
    runChild().catch((error: unknown) => {
        console.error(error);
        process.exit(1);
    });
}
