import { TableScheduleMonitor } from '../../dev/host/timers/monitor';
import { testStorageConnectionString } from '../support/storage';
import { until } from '../support/until';
import { type HostProcess, startHostProcess } from './support/hostProcess';

/**
 * The timer-app fixture in a real host process: settings, start-up, the monitor in Azurite and restarts. When each
 * run happens is computed by the listener and pinned with a manual clock in timerListener.test.ts; here nothing is
 * asserted about wall-clock phase, only what holds however late the machine runs the process.
 */

interface TimerReport {
    fn: string;
    at: number;
    isPastDue?: boolean;
    phase?: string;
    overlapping?: boolean;
    timer?: {
        isPastDue: boolean;
        schedule: { adjustForDST: boolean };
        scheduleStatus: { last: string; next: string; lastUpdated: string } | null;
    };
}

describe('local host: timer triggers (timer-app fixture)', () => {
    // A distinct host id per run keeps the persisted schedule status of other runs out of the way.
    const hostId = `timer-test-${Date.now()}`;
    const env = { AzureFunctionsWebHost__hostid: hostId };
    let host: HostProcess;
    const reports = (fn: string): TimerReport[] =>
        host.results().filter((r) => r.fn === fn) as unknown as TimerReport[];
    const atLeast = (fn: string, count: number, filter: (r: TimerReport) => boolean = () => true) =>
        host.waitFor(
            () => {
                const found = reports(fn).filter(filter);
                return found.length >= count ? found : undefined;
            },
            15_000,
            `${count} ${fn} reports`,
        );

    beforeAll(async () => {
        host = await startHostProcess('timer-app', { env });
    }, 20_000);

    afterAll(async () => {
        await host?.stop();
    });

    it('runs a runOnStartup timer once at start, not past due', async () => {
        const [startup] = await atLeast('startup', 1);
        expect(startup!.timer).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
        // yearly schedule: useMonitor defaults to true, so the status is there
        expect(startup!.timer!.scheduleStatus).not.toBeNull();
        // later ticks of the other timers do not run it again
        await atLeast('everySecond', 2);
        expect(reports('startup')).toHaveLength(1);
    });

    it('resolves %EVERY_SECOND% to a six-field schedule listed with its next occurrence on a second, and runs it', async () => {
        const listed = host.lines.find((l) => l.includes("schedule '*/1 * * * * *' (UTC), next "));
        expect(listed).toMatch(/next \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z/);
        const ticks = await atLeast('everySecond', 3);
        expect(ticks.every((t) => t.isPastDue === false)).toBe(true);
    });

    it('never overlaps runs of one function: each run starts after the previous one ended', async () => {
        await atLeast('slow', 2, (r) => r.phase === 'start');
        const phases = reports('slow').map((r) => r.phase);
        const starts = reports('slow').filter((r) => r.phase === 'start');
        expect(starts.every((s) => s.overlapping === false)).toBe(true);
        // start, end, start, end, … (the last run may still be going)
        expect(phases).toEqual(phases.map((_, i) => (i % 2 === 0 ? 'start' : 'end')));
    });

    it('fires once with isPastDue after a restart that missed a due time (useMonitor)', async () => {
        const before = await atLeast('monitored', 1);
        expect(before.every((r) => r.timer!.isPastDue === false)).toBe(true);
        expect(await host.stop()).toBe(0);
        // The host is down until its recorded next occurrence has passed (read where the host keeps it).
        const monitor = new TableScheduleMonitor(testStorageConnectionString(), hostId.toLowerCase());
        const status = await monitor.get('Host.Functions.monitored');
        expect(status).toBeDefined();
        await until('the recorded next occurrence to pass', () =>
            Date.now() > status!.next.getTime() ? true : undefined,
        );
        host = await startHostProcess('timer-app', { env });
        const [first] = await atLeast('monitored', 1);
        expect(first!.timer!.isPastDue).toBe(true);
        expect(first!.timer!.scheduleStatus).not.toBeNull();
        expect(Date.parse(first!.timer!.scheduleStatus!.next)).toBeLessThan(first!.at);
        // the next regular run is on schedule again
        const [, second] = await atLeast('monitored', 2);
        expect(second!.timer!.isPastDue).toBe(false);
    }, 40_000);
});

describe('local host: a function turned off by AzureWebJobs.<name>.Disabled', () => {
    let host: HostProcess | undefined;
    afterAll(async () => {
        await host?.stop();
    });

    it('lists it as disabled and never runs it, in the dotted and the Linux (__) spelling', async () => {
        host = await startHostProcess('timer-app', {
            env: {
                AzureFunctionsWebHost__hostid: `timer-disabled-${Date.now()}`,
                'AzureWebJobs.everySecond.Disabled': 'true',
                AzureWebJobs__slow__Disabled: 'True',
            },
        });
        expect(host.lines.some((l) => l.includes('everySecond: timerTrigger disabled'))).toBe(true);
        expect(host.lines.some((l) => l.includes('slow: timerTrigger disabled'))).toBe(true);
        // Three runs of the two-second timer span several seconds in which both would have fired.
        await host.waitFor(
            () => (host!.results().filter((r) => r.fn === 'monitored').length >= 3 ? true : undefined),
            20_000,
            'three monitored runs',
        );
        expect(host.results().filter((r) => r.fn === 'everySecond' || r.fn === 'slow')).toEqual([]);
    }, 30_000);
});
