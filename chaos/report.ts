import type { CheckResult } from './checks';
import type { ChaosOptions } from './options';
import type { SettleResult } from './settle';
import type { WorkloadStats } from './workload';

export interface ChaosFigures {
    readonly options: ChaosOptions;
    readonly events: number;
    readonly bookings: number;
    readonly mailboxes: number;
    readonly kills: number;
    readonly hostStarts: number;
    readonly workloadMs: number;
    readonly workload: WorkloadStats;
    readonly graphFaults: { throttled: number; unavailable: number };
    readonly receiverFailedOnPurpose: number;
    readonly settle: SettleResult;
    readonly poisonTotal: number;
    readonly checks: CheckResult;
    readonly wallMs: number;
    readonly hostLog: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const states = (byState: Record<string, number>) =>
    Object.entries(byState)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([state, n]) => `${state} ${n}`)
        .join(', ') || 'none';

/** The figures as the run's last lines: what was done to the system, then what the checks found. */
export function reportLines(f: ChaosFigures): string[] {
    const w = f.workload;
    const retried = Object.entries(w.retriedStatuses)
        .map(([status, n]) => `${n}×${status}`)
        .join(', ');
    const c = f.checks;
    const o = f.options;
    const lines = [
        `chaos: seed ${o.seed}, ${o.cancellations} cancellations (${f.events} events in ${f.mailboxes} mailboxes, ` +
            `${f.bookings} bookings in 2 businesses), concurrency ${o.concurrency}`,
        `injected: ${f.kills} host SIGKILLs (${f.hostStarts} starts), Graph faults ${f.graphFaults.throttled}×429 + ` +
            `${f.graphFaults.unavailable}×503 (rate ${o.faultRate}), receiver failed ${f.receiverFailedOnPurpose} ` +
            `deliveries on purpose (rate ${o.receiverFailRate})`,
        `client: ${w.asked} asked, ${w.succeeded} succeeded (${w.cancellationReplays} Cancellation-Replayed) in ` +
            `${seconds(f.workloadMs)}; ${w.retries} retries (${w.connectionErrors} cut connections` +
            `${retried ? `, ${retried}` : ''}); ${w.gaveUp.length} given up, ${w.unexpected.length} unexpected answers`,
        `idempotency: ${w.withKey} sent with a key, ${w.repeatsReplayed}/${w.repeats} repeats replayed`,
        `settle: ${f.settle.settled ? 'settled' : `NOT settled (${f.settle.lastBusy})`} after ${f.settle.passes} ` +
            `reconcile passes in ${seconds(f.settle.durationMs)}`,
        `graph: ${c.performed} cancellations performed by the emulator; ${c.askedNotPerformed.length} asked for but ` +
            `not performed`,
        `records: ${states(c.recordsByState)}; performed but not verified ${c.performedWithoutVerified.length}, ` +
            `claims not performed ${c.claimsNotPerformed.length}, ` +
            `items with duplicate claims ${c.duplicateClaims.length}`,
        ...c.subscriptions.map(
            (s) =>
                `webhooks ${s.name}: ${s.received}/${s.expected} notifications received (${s.deliveries} accepted ` +
                `deliveries), ${s.missing} missing, ${s.multipleIds} with more than one webhook-id`,
        ),
        `poison: ${f.poisonTotal} messages left (${c.poisonExplained} explained, ${c.poisonUnexplained.length} ` +
            `unexplained); drained: ${c.parkedNotifications.length} parked notifications, ` +
            `${c.poisonedDeliveries.length} poisoned deliveries`,
        `host log: ${f.hostLog}`,
        ...c.violations.map((v) => `VIOLATION ${v}`),
        `violations: ${c.violations.length}; wall time ${seconds(f.wallMs)}`,
        c.violations.length === 0 ? 'RESULT: PASS' : 'RESULT: FAIL',
    ];
    return lines;
}
