/**
 * bench:gateway — what the gateway adds to a cancel (README "Guarantees", docs/testing.md):
 *
 * Event cancels (`POST /api/v1.0/users/{upn}/events/{id}/cancel` with a comment, delegated dev token of the mailbox
 * owner) through the local stack (the compiled app in the local Functions host, in-memory Azurite, the Graph
 * emulator, each its own process), against the same Graph calls the gateway makes (read from the emulator's request
 * log: the organizer check `GET …/events/{id}?$select=…`, then `POST …/events/{id}/cancel`) sent straight to the
 * emulator with the gateway's app token. Both sides are driven by autocannon at each concurrency, on the emulator's
 * TLS listener as the gateway uses it, with one fresh event per cancel. Latency is per cancel (a direct cancel is its
 * GET and its POST), from just before the request is written to the answer. Runs once per emulator latency.
 * Every (latency, concurrency) run, and the memory check, gets a fresh stack and a warm-up: Azurite's in-memory
 * tables slow down as they fill, which production storage does not. The memory-flat check: the host's RSS at the
 * start, middle and end of 10,000 cancels after the warm-up, in chunks of 1,000 with the tables emptied in between.
 *
 * After each gateway run, unless `--no-in-process`: the same number of cancels through the gateway's handler called
 * in a process of its own without the development host (`inProcess.ts`), so the host's share of the CPU is printed
 * apart. The host reaches Storage through counting proxies: the round trips per cancel are printed by purpose.
 * The goals of issue 19 are printed with the measured value and met / not met.
 *
 * Prints the machine first and the figures as the last lines. Loopback only; starts and stops its own processes.
 * Run: `npm run bench:gateway -- [--requests N] [--concurrency 1,8,32] [--graph-latency-ms 0,50] [--cpu-prof]`.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { gatewayGraphToken } from '../../dev/graph-emulator/gatewayGraphToken';
import { describeMachine } from '../reconcile/machine';
import { type BenchArgs, parseBenchArgs, usage } from './args';
import { cpuProfilesIn, summarizeCpuProfile } from './cpuProfile';
import { resetEmulator, setGraphLatency } from './emulator';
import { describeRun, goalLine, mib, ms, overhead, quantile, cancelsPerSecond } from './figures';
import { runInProcess } from './inProcess';
import { type LoadResult, type LoadTarget, runLoad, type Side } from './load';
import { benchUsers, type Phase, phaseFixture } from './mailboxes';
import { probeGraphCalls } from './probe';
import { cpuMeter, describeCpu } from './processCpu';
import { processMemory } from './processMemory';
import { emptyGrowingTables } from './storageReset';
import { type BenchStack, startBenchStack } from './stack';
import { roundTripsPerCancel } from './storageRoundTrips';

const log = (line: string): void => console.log(line);
/** Issue 19's goals: the gateway's p50 at most this many times a direct cancel's, at every concurrency. */
const p50OverheadGoal = 1.25;
/** … and the host's CPU per cancel at this concurrency at most `hostCpuGoalMs`. */
const hostCpuGoalConcurrency = 8;
const hostCpuGoalMs = 8;
const memorySampleMs = 250;

interface MemoryCheck {
    readonly cancels: number;
    readonly concurrency: number;
    readonly latencyMs: number;
    readonly startMiB: number;
    readonly middleMiB: number;
    readonly endMiB: number;
    readonly maxMiB: number;
}

let phases = 0;
const newPhase = (count: number, concurrency = 1): Phase => ({
    tag: `p${phases++}`,
    count: Math.ceil(count / concurrency) * concurrency,
});

function checked(result: LoadResult): LoadResult {
    log(describeRun(result));
    const { failures, http } = result;
    if (failures.length > 0 || http.errors > 0 || http.timeouts > 0) {
        throw new Error(
            `${result.side} c=${result.concurrency}: ${http.errors} errors, ${http.timeouts} timeouts; ` +
                `first failures:\n  ${failures.join('\n  ')}`,
        );
    }
    return result;
}

/** Cancels per memory-check chunk; storage is emptied between chunks (see {@link emptyGrowingTables}). */
const memoryChunkCancels = 1_000;

async function memoryCheck(
    stack: BenchStack,
    target: LoadTarget,
    cancels: number,
    concurrency: number,
    latencyMs: number,
): Promise<MemoryCheck> {
    const rss = (): number => processMemory(stack.hostPid).rssMiB;
    const startMiB = rss();
    log(`memory check: host RSS at the start ${mib(startMiB)}`);
    let maxMiB = startMiB;
    const sampler = setInterval(() => (maxMiB = Math.max(maxMiB, rss())), memorySampleMs);
    let done = 0;
    let middleMiB = Number.NaN;
    try {
        while (done < cancels) {
            const chunk = newPhase(Math.min(memoryChunkCancels, cancels - done), concurrency);
            await emptyGrowingTables(stack.storageConnectionString);
            await resetEmulator(stack.emulatorUrl, phaseFixture(target.users, [chunk]));
            await setGraphLatency(stack.emulatorUrl, latencyMs);
            checked(await runLoad('gateway', target, chunk, concurrency));
            done += chunk.count;
            const nowMiB = rss();
            if (Number.isNaN(middleMiB) && done >= cancels / 2) middleMiB = nowMiB;
            log(`memory check: host RSS after ${done} cancels ${mib(nowMiB)}`);
        }
    } finally {
        clearInterval(sampler);
    }
    const endMiB = rss();
    return { cancels: done, concurrency, latencyMs, startMiB, middleMiB, endMiB, maxMiB: Math.max(maxMiB, endMiB) };
}

/** `37% (17.8 ms CPU per cancel)`: the CPU all processes used over the run's wall time, as a share of the machine. */
function busyShare(cpuMsPerCancel: Readonly<Record<string, number>>, result: LoadResult): string {
    const perCancel = Object.values(cpuMsPerCancel).reduce((sum, ms) => sum + ms, 0);
    const share = (perCancel * result.cancels) / (result.wallMs * os.availableParallelism());
    return `${(100 * share).toFixed(0)}% (${perCancel.toFixed(1)} ms CPU per cancel)`;
}

function comparisonLine(latencyMs: number, direct: LoadResult, gateway: LoadResult): string {
    const p = (result: LoadResult, q: number): number => quantile(result.latenciesMs, q);
    return (
        `graph latency ${latencyMs} ms, c=${gateway.concurrency}: gateway ${cancelsPerSecond(gateway).toFixed(1)} ` +
        `cancels/s p50 ${ms(p(gateway, 0.5))} p99 ${ms(p(gateway, 0.99))} | direct ${cancelsPerSecond(direct).toFixed(1)} ` +
        `cancels/s p50 ${ms(p(direct, 0.5))} p99 ${ms(p(direct, 0.99))} | gateway/direct p50 ` +
        `${overhead(p(gateway, 0.5), p(direct, 0.5))}, p99 ${overhead(p(gateway, 0.99), p(direct, 0.99))}, ` +
        `throughput ${(cancelsPerSecond(gateway) / cancelsPerSecond(direct)).toFixed(2)}`
    );
}

/** Quiet time after which the fan-out of the cancels' notifications counts as done. */
const storageQuietMs = 1_000;
const storageSettleLimitMs = 30_000;

/**
 * The host's Storage requests once the cancels' after-the-answer work (relay, fan-out) has run: the counts no longer
 * change except by queue polling for `storageQuietMs`, or after `storageSettleLimitMs`.
 */
async function settledStorageRequests(stack: BenchStack): Promise<ReadonlyMap<string, number>> {
    const work = (counts: ReadonlyMap<string, number>): number =>
        [...counts].filter(([purpose]) => !/^queue GET /.test(purpose)).reduce((sum, [, n]) => sum + n, 0);
    const deadline = Date.now() + storageSettleLimitMs;
    let counts = stack.storageRequests();
    for (;;) {
        await new Promise((resolve) => setTimeout(resolve, storageQuietMs));
        const next = stack.storageRequests();
        if (work(next) === work(counts) || Date.now() > deadline) return next;
        counts = next;
    }
}

/** A fresh stack with its users and tokens. */
interface Session {
    readonly stack: BenchStack;
    readonly target: Omit<LoadTarget, 'eventSelect'>;
}

let running: BenchStack | undefined;
let peakRssMiB = 0;

/**
 * Runs `work` on a stack of its own: Azurite's in-memory tables scan every entity on a point read, so a table that
 * grew through earlier runs (7 entities per cancel) would make later runs slower for a reason production does not
 * have. Each run therefore starts from empty storage.
 */
async function withSession<T>(args: BenchArgs, work: (session: Session) => Promise<T>): Promise<T> {
    const stack = await startBenchStack(args.cpuProfDir, args.appRoot);
    running = stack;
    try {
        log(`stack: gateway ${stack.gatewayUrl} (host pid ${stack.hostPid}), emulator ${stack.emulatorTlsUrl}`);
        const users = benchUsers(args.mailboxes, stack.emulatorTlsUrl);
        const target = {
            gatewayUrl: stack.gatewayUrl,
            emulatorTlsUrl: stack.emulatorTlsUrl,
            graphAuthorization: `Bearer ${await gatewayGraphToken(stack.emulatorUrl)}`,
            users,
        };
        const result = await work({ stack, target });
        peakRssMiB = Math.max(peakRssMiB, processMemory(stack.hostPid).peakRssMiB);
        return result;
    } finally {
        running = undefined;
        await stack.stop();
    }
}

/** Unmeasured cancels on both sides: connections, JIT, the directory cache and the Graph token. */
async function warmUp(
    session: Session,
    target: LoadTarget,
    count: number,
    concurrency: number,
    latencyMs: number,
): Promise<void> {
    if (count === 0) return;
    const warm = { direct: newPhase(count, concurrency), gateway: newPhase(count, concurrency) };
    await resetEmulator(session.stack.emulatorUrl, phaseFixture(target.users, [warm.direct, warm.gateway]));
    await setGraphLatency(session.stack.emulatorUrl, latencyMs);
    for (const side of ['direct', 'gateway'] as const) {
        checked(await runLoad(side, target, warm[side], concurrency));
    }
    log('(warm-up above, not counted)');
}

async function main(): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const args = parseBenchArgs(process.argv.slice(2), path.join(os.tmpdir(), `cancel-gateway-cpu-prof-${stamp}`));
    if (args === 'help') {
        log(usage);
        return;
    }
    log(describeMachine());
    log(
        `bench:gateway: ${args.requests} cancels per concurrency and side, concurrency ${args.concurrencies.join(',')}, ` +
            `graph latency ${args.graphLatenciesMs.join(',')} ms, ${args.mailboxes} mailboxes, warm-up ${args.warmup}, ` +
            `memory check ${args.memoryRequests} cancels, cpu profile ${args.cpuProfDir ?? 'off'}, ` +
            `app ${args.appRoot ?? 'this checkout'}`,
    );
    for (const [signal, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
    ] as const) {
        process.once(signal, () => {
            console.error(`bench:gateway: ${signal}, stopping the stack`);
            void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
        });
    }
    const figures: string[] = [];
    let eventSelect: string | undefined;
    const comparisons: string[] = [];
    const cpuFigures: string[] = [];
    const verdicts: string[] = [];
    const roundTrips: string[] = [];
    const inProcessFigures: string[] = [];
    const busyFigures: string[] = [];
    const goals: string[] = [];
    let memory: MemoryCheck | undefined;
    for (const latencyMs of args.graphLatenciesMs) {
        log(`--- graph latency ${latencyMs} ms on every Graph request ---`);
        const met: number[] = [];
        const missed: number[] = [];
        for (const concurrency of args.concurrencies) {
            await withSession(args, async (session) => {
                const { stack } = session;
                if (eventSelect === undefined) {
                    const probePhase = newPhase(session.target.users.length + 1);
                    const directProbe = newPhase(1);
                    await resetEmulator(
                        stack.emulatorUrl,
                        phaseFixture(session.target.users, [probePhase, directProbe]),
                    );
                    await setGraphLatency(stack.emulatorUrl, 0);
                    const probe = await probeGraphCalls(stack, session.target, probePhase, directProbe);
                    log(
                        `graph calls of a gateway cancel, first in a mailbox (request log): ${probe.firstInMailbox.join(' | ')}`,
                    );
                    log(`graph calls of a gateway cancel, mailbox seen before: ${probe.calls.join(' | ')}`);
                    log('direct side sends exactly these (checked in the request log)');
                    eventSelect = probe.eventSelect;
                }
                const target: LoadTarget = { ...session.target, eventSelect };
                await warmUp(session, target, args.warmup, concurrency, latencyMs);
                const run: Record<Side, Phase> = {
                    direct: newPhase(args.requests, concurrency),
                    gateway: newPhase(args.requests, concurrency),
                };
                const inProcess = {
                    warmup: newPhase(Math.max(args.warmup, concurrency), concurrency),
                    run: newPhase(args.requests, concurrency),
                };
                await resetEmulator(
                    stack.emulatorUrl,
                    phaseFixture(target.users, [run.direct, run.gateway, inProcess.warmup, inProcess.run]),
                );
                await setGraphLatency(stack.emulatorUrl, latencyMs);
                // This process too (the load generator, Storage's counting proxies): with the stack's, the machine's
                // whole CPU while a side runs, to tell a saturated machine from a slow gateway.
                const everyProcess = { ...stack.processes, bench: process.pid };
                const directCpu = cpuMeter(everyProcess);
                const direct = checked(await runLoad('direct', target, run.direct, concurrency));
                const directCpuMs = directCpu.perCancel(run.direct.count);
                // Queue work left from the direct run's set-up is done by now; the gateway run is charged its own.
                const cpu = cpuMeter(everyProcess);
                const storageBefore = stack.storageRequests();
                const gateway = checked(await runLoad('gateway', target, run.gateway, concurrency));
                const cpuMs = cpu.perCancel(run.gateway.count);
                busyFigures.push(
                    `graph latency ${latencyMs} ms, c=${concurrency}: machine CPU busy (every process of the stack and ` +
                        `the bench, of ${os.availableParallelism()} cores): direct run ${busyShare(directCpuMs, direct)}, ` +
                        `gateway run ${busyShare(cpuMs, gateway)}`,
                );
                // Work the cancels queued (the notification's fan-out) is charged to them: wait for it to finish.
                const storageAfter = await settledStorageRequests(stack);
                const cpuLine = `CPU ms per gateway cancel (user+system), c=${concurrency}: ${describeCpu(cpuMs)}`;
                log(cpuLine);
                cpuFigures.push(`graph latency ${latencyMs} ms, ${cpuLine}`);
                comparisons.push(comparisonLine(latencyMs, direct, gateway));
                const trips = roundTripsPerCancel(storageBefore, storageAfter, run.gateway.count);
                roundTrips.push(
                    `graph latency ${latencyMs} ms, c=${concurrency}: Storage requests per cancel ` +
                        `${trips.reduce((sum, [, n]) => sum + n, 0).toFixed(2)}, counted by purpose: ` +
                        trips.map(([purpose, n]) => `${purpose} ${n.toFixed(2)}`).join('; '),
                );
                if (args.inProcess) {
                    // The same cancels with no development host: the handler in a process of its own.
                    const handlerOnly = await runInProcess(
                        { appRoot: stack.appRoot, users: target.users, ...inProcess, concurrency },
                        stack.appEnv,
                        args.cpuProfDir,
                    );
                    if (handlerOnly.failures.length > 0) {
                        throw new Error(
                            `in-process c=${concurrency}: ${handlerOnly.failures.slice(0, 5).join('\n  ')}`,
                        );
                    }
                    const latencies = Float64Array.from(handlerOnly.latenciesMs);
                    const hostMs = cpuMs.host ?? Number.NaN;
                    const line =
                        `graph latency ${latencyMs} ms, c=${concurrency}: in process (the handler without the ` +
                        `development host) p50 ${ms(quantile(latencies, 0.5))}, p50/direct ` +
                        `${overhead(quantile(latencies, 0.5), quantile(direct.latenciesMs, 0.5))}; CPU ms per cancel ` +
                        `${handlerOnly.cpuMsPerCancel.toFixed(1)} in process vs host ${hostMs.toFixed(1)}: the host's share ` +
                        `${(hostMs - handlerOnly.cpuMsPerCancel).toFixed(1)} (with the notification fan-out it runs)`;
                    log(line);
                    inProcessFigures.push(line);
                }
                const ratio = quantile(gateway.latenciesMs, 0.5) / quantile(direct.latenciesMs, 0.5);
                (ratio <= p50OverheadGoal ? met : missed).push(concurrency);
                goals.push(
                    goalLine(
                        `p50 gateway/direct, graph latency ${latencyMs} ms, c=${concurrency}`,
                        p50OverheadGoal,
                        ratio,
                    ),
                );
                if (concurrency === hostCpuGoalConcurrency) {
                    goals.push(
                        goalLine(
                            `host CPU per cancel, graph latency ${latencyMs} ms, c=${concurrency}`,
                            hostCpuGoalMs,
                            cpuMs.host ?? Number.NaN,
                            ' ms',
                        ),
                    );
                }
            });
        }
        const at = (list: readonly number[], verdict: string) =>
            list.length > 0 ? [`${verdict} at c=${list.join(',')}`] : [];
        verdicts.push(`graph latency ${latencyMs} ms: ${[...at(met, 'met'), ...at(missed, 'not met')].join(', ')}`);
    }
    if (args.memoryRequests > 0 && eventSelect !== undefined) {
        const concurrency = Math.max(...args.concurrencies);
        const latencyMs = args.graphLatenciesMs[0] ?? 0;
        const select = eventSelect;
        memory = await withSession(args, async (session) => {
            const target: LoadTarget = { ...session.target, eventSelect: select };
            await warmUp(session, target, args.warmup, concurrency, latencyMs);
            log(`memory check: ${args.memoryRequests} cancels through the gateway at c=${concurrency}...`);
            return memoryCheck(session.stack, target, args.memoryRequests, concurrency, latencyMs);
        });
    }
    figures.push(...comparisons, ...cpuFigures, ...busyFigures, ...inProcessFigures, ...roundTrips);
    if (memory) {
        const growth = memory.endMiB - memory.startMiB;
        figures.push(
            `host memory over ${memory.cancels} cancels (c=${memory.concurrency}, graph latency ${memory.latencyMs} ms, ` +
                `after warm-up): RSS start ${mib(memory.startMiB)}, middle ${mib(memory.middleMiB)}, end ` +
                `${mib(memory.endMiB)}, max sampled ${mib(memory.maxMiB)}; growth start->end ${growth >= 0 ? '+' : ''}` +
                `${mib(growth)} (${((100 * growth) / memory.startMiB).toFixed(1)}%), middle->end ` +
                `${memory.endMiB - memory.middleMiB >= 0 ? '+' : ''}${mib(memory.endMiB - memory.middleMiB)}`,
        );
    }
    figures.push(`host peak RSS (VmHWM, highest of the run's hosts): ${mib(peakRssMiB)}`);
    figures.push(...verdicts.map((verdict) => `target gateway/direct p50 <= ${p50OverheadGoal}: ${verdict}`));
    if (args.cpuProfDir !== undefined) {
        const profiles = cpuProfilesIn(args.cpuProfDir);
        log(
            `CPU profiles (the host, and in-process-c<N> for the handler alone) in ${args.cpuProfDir}: ${profiles.length === 0 ? 'none written' : profiles.join(', ')}`,
        );
        for (const file of profiles) for (const line of summarizeCpuProfile(file)) log(line);
    }
    if (!args.concurrencies.includes(hostCpuGoalConcurrency)) {
        goals.push(`goal host CPU per cancel: measured at c=${hostCpuGoalConcurrency} only, not run`);
    }
    log('--- figures ---');
    for (const line of [...figures, ...goals]) log(line);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
