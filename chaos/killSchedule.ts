import type { HostSupervisor } from './hostSupervisor';
import type { Random } from './random';

/** Kills land between these shares of the workload, so each one cuts requests in flight, not an idle host. */
const earliestShare = 0.1;
const latestShare = 0.85;
/** Extra random delay after the progress mark, so kills do not line up with request boundaries. */
const maxJitterMs = 400;

export interface KillSchedule {
    /** Called with the number of finished cancellations; starts a kill when a mark is passed. */
    onProgress(done: number): void;
    /** Waits for every kill and restart to finish. */
    finished(): Promise<void>;
    readonly errors: string[];
}

/**
 * `kills` SIGKILLs at seeded random moments of the workload, each followed at once by a restart on the same ports
 * (the clients see cut connections and refused connects meanwhile). One kill at a time.
 */
export function killSchedule(host: HostSupervisor, kills: number, total: number, random: Random): KillSchedule {
    const marks = Array.from({ length: kills }, () =>
        Math.max(1, Math.round(total * (earliestShare + random.next() * (latestShare - earliestShare)))),
    ).sort((a, b) => a - b);
    const jitters = marks.map(() => random.int(0, maxJitterMs));
    let chain = Promise.resolve();
    let started = 0;
    const errors: string[] = [];
    return {
        onProgress(done) {
            while (started < marks.length && done >= marks[started]!) {
                const jitterMs = jitters[started]!;
                started++;
                chain = chain.then(async () => {
                    await new Promise((resolve) => setTimeout(resolve, jitterMs));
                    await host.kill();
                    try {
                        await host.start();
                    } catch (error) {
                        errors.push(`restart after kill ${host.kills}: ${(error as Error).message}`);
                    }
                });
            }
        },
        async finished() {
            // A run shorter than its marks still gets every kill.
            this.onProgress(Number.MAX_SAFE_INTEGER);
            await chain;
        },
        errors,
    };
}
