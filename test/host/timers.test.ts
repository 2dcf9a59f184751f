import { type HostProcess, startHostProcess } from './support/hostProcess';

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
    const env = { AzureFunctionsWebHost__hostid: `timer-test-${Date.now()}` };
    let host: HostProcess;
    const reports = (fn: string): TimerReport[] =>
        host.results().filter((r) => r.fn === fn) as unknown as TimerReport[];

    beforeAll(async () => {
        host = await startHostProcess('timer-app', { env });
        // let every timer run for a while
        await new Promise((r) => setTimeout(r, 5200));
    }, 20_000);

    afterAll(async () => {
        await host?.stop();
    });

    it('runs a runOnStartup timer once at start, not past due', () => {
        const startup = reports('startup');
        expect(startup).toHaveLength(1);
        expect(startup[0]!.timer).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
        // yearly schedule: useMonitor defaults to true, so the status is there
        expect(startup[0]!.timer!.scheduleStatus).not.toBeNull();
    });

    it('fires a six-field NCRONTAB schedule from %EVERY_SECOND% each second, on the second (UTC)', () => {
        const ticks = reports('everySecond');
        expect(ticks.length).toBeGreaterThanOrEqual(3);
        expect(ticks.length).toBeLessThanOrEqual(6);
        for (const tick of ticks) {
            expect(tick.at % 1000).toBeLessThan(400);
            expect(tick.isPastDue).toBe(false);
        }
        const gaps = ticks.slice(1).map((t, i) => t.at - ticks[i]!.at);
        for (const gap of gaps) {
            expect(gap).toBeGreaterThan(500);
            expect(gap).toBeLessThan(1500);
        }
    });

    it('never overlaps runs of one function: ticks during a slow run are skipped', () => {
        const starts = reports('slow').filter((r) => r.phase === 'start');
        expect(starts.length).toBeGreaterThanOrEqual(2);
        expect(starts.every((s) => s.overlapping === false)).toBe(true);
        const gaps = starts.slice(1).map((s, i) => s.at - starts[i]!.at);
        for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(2500);
    });

    it('fires once with isPastDue after a restart that missed a due time (useMonitor)', async () => {
        const before = reports('monitored');
        expect(before.length).toBeGreaterThanOrEqual(1);
        expect(before.every((r) => r.timer!.isPastDue === false)).toBe(true);
        expect(await host.stop()).toBe(0);
        // the host is down across at least one due time of '*/2 * * * * *'
        await new Promise((r) => setTimeout(r, 2500));
        host = await startHostProcess('timer-app', { env });
        const first = await host.waitFor(() => reports('monitored')[0], 5000, 'monitored after restart');
        expect(first.timer!.isPastDue).toBe(true);
        expect(first.timer!.scheduleStatus).not.toBeNull();
        expect(Date.parse(first.timer!.scheduleStatus!.next)).toBeLessThan(first.at);
        // the next regular run is on schedule again
        const second = await host.waitFor(() => reports('monitored')[1], 5000, 'next monitored run');
        expect(second.timer!.isPastDue).toBe(false);
    }, 25_000);
});
