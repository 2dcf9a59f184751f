import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, type RunningAzurite, startAzurite } from '../dev/azurite';
import type { Fixture } from '../dev/graph-emulator/fixture';
import { type RunningGraphEmulator, startGraphEmulator } from '../dev/graph-emulator/server';
import { type HostSupervisor, hostSupervisor } from './hostSupervisor';
import { chaosHostEnv } from './stackEnv';

export interface ChaosStack {
    readonly azurite: RunningAzurite;
    readonly emulator: RunningGraphEmulator;
    /** Started: up and answering `/api/health`. */
    readonly host: HostSupervisor;
    readonly hostLog: string;
}

/**
 * A chaos run's own stack: Azurite, the Graph emulator seeded with `fixture`, the local host as a supervised child
 * process with the chaos settings (plus `env`). Each part's stop is pushed on `cleanups` as soon as it runs, so a
 * failure half-way still stops what started.
 */
export async function startChaosStack(options: {
    readonly name: string;
    readonly fixture: Fixture;
    readonly env?: Readonly<Record<string, string>>;
    readonly verbose: boolean;
    readonly cleanups: Array<() => Promise<void>>;
}): Promise<ChaosStack> {
    const { cleanups } = options;
    const azurite = await startAzurite({
        blobPort: await freePort(),
        queuePort: await freePort(),
        tablePort: await freePort(),
    });
    cleanups.push(() => azurite.stop());
    const emulator = await startGraphEmulator({ port: 0, tlsPort: 0, fixture: options.fixture });
    cleanups.push(() => emulator.close());
    const hostLog = path.join(os.tmpdir(), `cancel-gateway-${options.name}-${process.pid}-${Date.now()}`, 'host.log');
    const host = hostSupervisor({
        httpPort: await freePort(),
        httpsPort: await freePort(),
        env: { ...chaosHostEnv(azurite.connectionString, emulator.tlsUrl), ...options.env },
        logFile: hostLog,
        echo: options.verbose,
    });
    cleanups.push(() => host.stop());
    await host.start();
    return { azurite, emulator, host, hostLog };
}
