import type { InvocationContext, Timer } from '@azure/functions';
import { log } from '../observability/logger';
import { withLogScope } from '../observability/logScope';
import { type JobEventDeps, redriveOwedJobEvents } from '../domain/bulk/jobEvents';
import { reconcile, type ReconcileDeps, type ReconcileSummary } from '../domain/reconciliation/reconciler';

/** The one-line summary every run logs. */
export function summaryLine(summary: ReconcileSummary): string {
    const s = summary;
    return (
        `reconcile: checked ${s.checked}, finished ${s.finished}, verified ${s.verified}, drifted ${s.drifted}, ` +
        `repaired ${s.repaired}, failed ${s.failed}, notifications resent ${s.notificationsResent}, ` +
        `Graph calls ${s.graphCalls}, throttled ${s.throttled}, conflicts ${s.conflicts}, ` +
        `${s.durationMs} ms${s.stoppedForBudget ? ' (budget reached; resumes next tick)' : ''}`
    );
}

/**
 * Timer function: one bounded, idempotent pass (the timer does not retry a failed run; the next tick does), then the
 * notifications bulk jobs still owe after a while (a worker died between its save and the enqueue).
 */
export function reconcileTimerHandler(tenantId: string, deps: ReconcileDeps, jobEvents: JobEventDeps) {
    return function reconcileTimer(timer: Timer, context: InvocationContext): Promise<void> {
        return withLogScope(context, {}, async () => {
            if (timer.isPastDue) log.warn('reconcile: running late (the host was down or busy at the due time)');
            log.info(summaryLine(await reconcile(tenantId, deps)));
            const redriven = await redriveOwedJobEvents(tenantId, jobEvents);
            if (redriven > 0) log.info(`reconcile: owed notifications of ${redriven} cancellation jobs sent`);
        });
    };
}
