import { defaultChaosOptions, parseChaosOptions } from '../../chaos/options';
import { reportLines } from '../../chaos/report';
import { runChaos } from '../../chaos/runner';

/**
 * A small `npm run chaos` (chaos/): the same runner, stack and checks, with fewer cancellations and one host kill,
 * so it fits the suite. The full run is `npm run chaos`.
 */
describe('chaos run (small)', () => {
    it('loses nothing and invents nothing under Graph faults, failing webhooks and a SIGKILLed host', async () => {
        const figures = await runChaos({
            ...defaultChaosOptions,
            cancellations: 30,
            kills: 1,
            concurrency: 8,
            mailboxes: 3,
            // Normally settled in seconds; a kill between flagging a notification as owed and queueing it leaves
            // it for reconciliation's next look at that record, a minute later (outbox.ts).
            settleTimeoutMs: 90_000,
        });
        const report = reportLines(figures).join('\n');
        expect({ violations: figures.checks.violations, report }).toEqual({ violations: [], report });
        expect(figures.kills).toBe(1);
        expect(figures.checks.performed).toBe(30);
        expect(figures.checks.recordsByState).toEqual({ verified: 30 });
    }, 180_000);

    it('parses its options, with --help and range checks', () => {
        expect(parseChaosOptions(['--help'])).toBeUndefined();
        expect(parseChaosOptions([])).toEqual(defaultChaosOptions);
        expect(
            parseChaosOptions(['--cancellations', '50', '--kills', '0', '--fault-rate', '0.1', '--seed', '7']),
        ).toMatchObject({ cancellations: 50, kills: 0, faultRate: 0.1, seed: 7 });
        expect(() => parseChaosOptions(['--fault-rate', '2'])).toThrow(/--fault-rate must be a number from 0 to 0.9/);
        expect(() => parseChaosOptions(['--bogus'])).toThrow();
    });
});
