import type { GatewayAdmin } from './gatewayClient';
import { workQueuesEmpty } from './storageViews';

const passIntervalMs = 1_000;
/** Quiet checks in a row before the run counts as settled (a hidden queue message can reappear in between). */
const quietChecksNeeded = 2;

export interface SettleResult {
    settled: boolean;
    passes: number;
    durationMs: number;
    /** What was still going on when the deadline came. */
    lastBusy: string;
}

/**
 * Runs reconciliation passes (`POST /api/reconcile`, the operator's button) until nothing is due, no record is
 * unfinished, no delivery is pending and both work queues are empty, or the deadline passes.
 */
export async function settle(admin: GatewayAdmin, connectionString: string, timeoutMs: number): Promise<SettleResult> {
    const started = Date.now();
    let passes = 0;
    let quiet = 0;
    let lastBusy = '';
    while (Date.now() - started < timeoutMs) {
        const summary = await admin.reconcile();
        passes++;
        lastBusy = await busyWith(admin, connectionString, summary);
        quiet = lastBusy === '' ? quiet + 1 : 0;
        if (quiet >= quietChecksNeeded) return { settled: true, passes, durationMs: Date.now() - started, lastBusy };
        await new Promise((resolve) => setTimeout(resolve, passIntervalMs));
    }
    return { settled: false, passes, durationMs: Date.now() - started, lastBusy };
}

async function busyWith(admin: GatewayAdmin, connectionString: string, summary: { checked: number } | string) {
    if (typeof summary === 'string') return summary;
    if (summary.checked > 0) return `reconciliation checked ${summary.checked} records`;
    for (const state of ['pending', 'accepted', 'drifted']) {
        if (await admin.anyRecordIn(state)) return `records in state ${state}`;
    }
    if ((await admin.deliveries('pending', 1)).length > 0) return 'deliveries pending';
    if (!(await workQueuesEmpty(connectionString))) return 'queue messages waiting';
    return '';
}
