import type { BulkChaosFigures } from './bulkRunner';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const list = (counts: Record<string, number>) =>
    Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => `${key} ${n}`)
        .join(', ') || 'none';

/** The figures as the run's last lines: what was done to the job, then what the checks found. */
export function bulkReportLines(f: BulkChaosFigures): string[] {
    const o = f.options;
    const c = f.checks;
    const perMinute = f.jobMs > 0 ? (o.meetings / f.jobMs) * 60_000 : 0;
    const writesPerMeeting = Object.entries(c.writesPerMeeting)
        .map(([writes, meetings]) => `${meetings} meetings × ${writes}`)
        .join(', ');
    return [
        `chaos bulk: seed ${o.seed}, ${o.meetings} meetings organized with attendees, one job, ` +
            `BULK_MESSAGES_PER_MINUTE ${o.messagesPerMinute}`,
        `injected: ${f.kills} host SIGKILLs (${f.killsDuringJob} while the job ran, ` +
            `${f.killsMidWrite} with a cancel at Graph; ${f.hostStarts} starts), ` +
            `${f.unansweredPolls} job polls unanswered meanwhile`,
        `job: ended in ${seconds(f.jobMs)} (${perMinute.toFixed(0)} meetings/min); outcomes: ${list(c.outcomes)}`,
        `graph: ${c.writes} writes (${c.writesNotOk} not 2xx); writes per meeting: ${writesPerMeeting || 'none'}`,
        `records when the job ended: ${list(f.recordsAtJobEnd)}`,
        `settle: ${f.settle.settled ? 'settled' : `NOT settled (${f.settle.lastBusy})`} after ${f.settle.passes} ` +
            `reconcile passes in ${seconds(f.settle.durationMs)}`,
        `host log: ${f.hostLog}`,
        ...c.violations.map((v) => `VIOLATION ${v}`),
        `violations: ${c.violations.length}; wall time ${seconds(f.wallMs)}`,
        c.violations.length === 0 ? 'RESULT: PASS' : 'RESULT: FAIL',
    ];
}
