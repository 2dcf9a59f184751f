import type { RegisteredFunction } from '../../dev/host/coreApi';
import type { InvocationInput, InvocationResult } from '../../dev/host/invoke';
import type { HostLogger } from '../../dev/host/log';
import type { ScheduleMonitor, ScheduleStatus } from '../../dev/host/timers/monitor';
import { parseSchedule } from '../../dev/host/timers/schedule';
import { TimerListener } from '../../dev/host/timers/timerListener';
import { ManualClock, settle } from './support/manualClock';

/**
 * The timer listener in-process, with a clock the test moves and a recording invoker: what it runs when is computed,
 * not timed, so these assertions hold on any machine under any load.
 */

interface TimerInfo {
    IsPastDue: boolean;
    ScheduleStatus: { Last: string; Next: string; LastUpdated: string } | null;
}

interface Run {
    /** The listener's clock when it invoked the function. */
    at: string;
    timer: TimerInfo;
    finish(): void;
}

const at = (iso: string): Date => new Date(iso);
const fn: RegisteredFunction = { functionId: 'tick-id', metadata: { name: 'tick', bindings: {} }, callback: () => 0 };
const quietLogger: HostLogger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

class MemoryMonitor implements ScheduleMonitor {
    readonly saved = new Map<string, ScheduleStatus>();
    get(timerName: string): Promise<ScheduleStatus | undefined> {
        return Promise.resolve(this.saved.get(timerName));
    }
    put(timerName: string, status: ScheduleStatus): Promise<void> {
        this.saved.set(timerName, status);
        return Promise.resolve();
    }
}

/** A listener on `schedule` with a manual clock at `start`; runs finish at once unless `holdRuns`. */
function timer(
    schedule: string,
    start: string,
    options: { runOnStartup?: boolean; monitor?: MemoryMonitor; holdRuns?: boolean } = {},
) {
    const clock = new ManualClock(at(start));
    const runs: Run[] = [];
    const listener = new TimerListener({
        fn,
        triggerName: 'timer',
        schedule: parseSchedule(schedule),
        runOnStartup: options.runOnStartup ?? false,
        monitor: options.monitor,
        logger: quietLogger,
        clock,
        invoker: {
            invoke: (_fn: RegisteredFunction, input: InvocationInput): Promise<InvocationResult> =>
                new Promise((resolve) => {
                    const finish = (): void =>
                        resolve({ invocationId: String(runs.length), response: {}, durationMs: 0 });
                    const json = input.inputData[0]?.data?.json ?? 'null';
                    runs.push({ at: clock.now().toISOString(), timer: JSON.parse(json) as TimerInfo, finish });
                    if (!options.holdRuns) finish();
                }),
        },
    });
    return { clock, runs, listener };
}

const times = (runs: Run[]): string[] => runs.map((r) => r.at);

describe('local host: the timer listener (manual clock)', () => {
    it('runs a six-field schedule on each of its occurrences, on the second, not past due', async () => {
        const { clock, runs, listener } = timer('*/1 * * * * *', '2026-03-01T00:00:00.300Z');
        await listener.start();
        expect(clock.pending).toEqual([at('2026-03-01T00:00:01.000Z')]);
        await clock.advanceTo(at('2026-03-01T00:00:03.500Z'));
        expect(times(runs)).toEqual([
            '2026-03-01T00:00:01.000Z',
            '2026-03-01T00:00:02.000Z',
            '2026-03-01T00:00:03.000Z',
        ]);
        expect(runs.every((r) => !r.timer.IsPastDue && r.timer.ScheduleStatus === null)).toBe(true);
        await listener.stop();
        expect(clock.pending).toEqual([]);
    });

    it('runs one at a time: occurrences that fall during a run are skipped, the next one follows its end', async () => {
        const { clock, runs, listener } = timer('* * * * * *', '2026-03-01T00:00:00.300Z', { holdRuns: true });
        await listener.start();
        await clock.advanceTo(at('2026-03-01T00:00:04.500Z'));
        expect(times(runs)).toEqual(['2026-03-01T00:00:01.000Z']);
        expect(clock.pending).toEqual([]);
        runs[0]!.finish();
        await settle();
        expect(clock.pending).toEqual([at('2026-03-01T00:00:05.000Z')]);
        await clock.advanceTo(at('2026-03-01T00:00:05.000Z'));
        expect(times(runs)).toEqual(['2026-03-01T00:00:01.000Z', '2026-03-01T00:00:05.000Z']);
        runs[1]!.finish();
        await listener.stop();
    });

    it('runs a runOnStartup timer once at start, not past due, then on its schedule', async () => {
        const { clock, runs, listener } = timer('0 0 0 1 1 *', '2026-03-01T12:00:00.000Z', { runOnStartup: true });
        await listener.start();
        await settle();
        expect(runs.map((r) => [r.at, r.timer.IsPastDue])).toEqual([['2026-03-01T12:00:00.000Z', false]]);
        // a yearly schedule waits in slices the platform's timers can hold (about 24.8 days each)
        await clock.advanceTo(at('2027-01-01T00:00:00.000Z'));
        expect(times(runs)).toEqual(['2026-03-01T12:00:00.000Z', '2027-01-01T00:00:00.000Z']);
        await listener.stop();
    });

    it('records the first status without a run when the monitor has none (useMonitor)', async () => {
        const monitor = new MemoryMonitor();
        const { clock, runs, listener } = timer('*/2 * * * * *', '2026-03-01T00:00:00.500Z', { monitor });
        await listener.start();
        expect(runs).toEqual([]);
        expect(monitor.saved.get('Host.Functions.tick')).toEqual({
            last: new Date(0),
            next: at('2026-03-01T00:00:02.000Z'),
            lastUpdated: at('2026-03-01T00:00:00.500Z'),
        });
        await clock.advanceTo(at('2026-03-01T00:00:02.000Z'));
        expect(runs.map((r) => [r.at, r.timer.IsPastDue])).toEqual([['2026-03-01T00:00:02.000Z', false]]);
        expect(monitor.saved.get('Host.Functions.tick')).toEqual({
            last: at('2026-03-01T00:00:02.000Z'),
            next: at('2026-03-01T00:00:04.000Z'),
            lastUpdated: at('2026-03-01T00:00:02.000Z'),
        });
        await listener.stop();
    });

    it('runs once past due on start when the recorded next occurrence has passed, then on its schedule', async () => {
        const monitor = new MemoryMonitor();
        monitor.saved.set('Host.Functions.tick', {
            last: at('2026-03-01T00:00:00.000Z'),
            next: at('2026-03-01T00:00:02.000Z'),
            lastUpdated: at('2026-03-01T00:00:00.000Z'),
        });
        const { clock, runs, listener } = timer('*/2 * * * * *', '2026-03-01T00:00:07.500Z', { monitor });
        await listener.start();
        await settle();
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({
            at: '2026-03-01T00:00:07.500Z',
            timer: {
                IsPastDue: true,
                ScheduleStatus: {
                    Last: '2026-03-01T00:00:00.000Z',
                    Next: '2026-03-01T00:00:02.000Z',
                    LastUpdated: '2026-03-01T00:00:00.000Z',
                },
            },
        });
        expect(monitor.saved.get('Host.Functions.tick')).toEqual({
            last: at('2026-03-01T00:00:02.000Z'),
            next: at('2026-03-01T00:00:08.000Z'),
            lastUpdated: at('2026-03-01T00:00:07.500Z'),
        });
        await clock.advanceTo(at('2026-03-01T00:00:08.000Z'));
        expect(runs.map((r) => [r.at, r.timer.IsPastDue])).toEqual([
            ['2026-03-01T00:00:07.500Z', true],
            ['2026-03-01T00:00:08.000Z', false],
        ]);
        await listener.stop();
    });

    it('is not past due when the recorded next occurrence is still ahead', async () => {
        const monitor = new MemoryMonitor();
        monitor.saved.set('Host.Functions.tick', {
            last: at('2026-03-01T00:00:06.000Z'),
            next: at('2026-03-01T00:00:08.000Z'),
            lastUpdated: at('2026-03-01T00:00:06.000Z'),
        });
        const { clock, runs, listener } = timer('*/2 * * * * *', '2026-03-01T00:00:07.500Z', { monitor });
        await listener.start();
        await clock.advanceTo(at('2026-03-01T00:00:08.000Z'));
        expect(runs.map((r) => [r.at, r.timer.IsPastDue])).toEqual([['2026-03-01T00:00:08.000Z', false]]);
        await listener.stop();
    });
});
