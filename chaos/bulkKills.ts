import type { HostSupervisor } from './hostSupervisor';

const heldPollMs = 20;
const heldTimeoutMs = 10_000;

async function setFaults(emulatorUrl: string, rules: unknown[]): Promise<void> {
    const response = await fetch(`${emulatorUrl}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(rules),
    });
    if (!response.ok) throw new Error(`setting faults answered ${response.status}: ${await response.text()}`);
}

async function heldCalls(emulatorUrl: string): Promise<number> {
    const response = await fetch(`${emulatorUrl}/_emulator/faults`);
    return ((await response.json()) as { held?: number }).held ?? 0;
}

/**
 * The host, with `kill()` aimed at the worst moment: the emulator holds the next `POST …/cancel` (the job's write
 * has reached Graph, the worker waits for the answer), the host is SIGKILLed, then the held call is released, so
 * Graph performs a cancel whose answer nobody reads. The restarted worker finds the item claimed and must not write
 * it again. If no cancel arrives in time (the job is between slices), the kill lands anyway.
 */
export function killDuringWrite(host: HostSupervisor, emulatorUrl: string): HostSupervisor & { midWrite: number } {
    let midWrite = 0;
    return {
        url: host.url,
        get kills() {
            return host.kills;
        },
        get starts() {
            return host.starts;
        },
        get midWrite() {
            return midWrite;
        },
        tail: (lines) => host.tail(lines),
        start: () => host.start(),
        stop: () => host.stop(),
        async kill() {
            await setFaults(emulatorUrl, [{ pathRegex: '/cancel$', method: 'POST', hold: true, count: 1 }]);
            const deadline = Date.now() + heldTimeoutMs;
            let held = 0;
            while (held === 0 && Date.now() < deadline) {
                await new Promise((resolve) => setTimeout(resolve, heldPollMs));
                held = await heldCalls(emulatorUrl);
            }
            await host.kill();
            if (held > 0) midWrite++;
            // Clearing the rules lets the held call go on: Graph cancels for a client that is gone.
            await setFaults(emulatorUrl, []);
        },
    };
}
