import { shortInstant } from './table';
import { finalStates, type Job } from './wire';

const barWidth = 24;
const minuteMs = 60_000;

/** Outcomes that mean the meeting's Graph write was made (or attempted): the ones a rate counts. */
const writtenOutcomes = ['succeeded', 'failed', 'unknown'];
/** Outcomes still to come. */
const openOutcomes = ['pending', 'inFlight'];

const outcomeCount = (job: Job, outcome: string): number => job.counts?.byOutcome[outcome] ?? 0;

/** Meetings with a final outcome (skips included), out of all the job's meetings. */
export function doneOf(job: Job): { done: number; total: number } {
    const total = job.counts?.total ?? 0;
    const open = openOutcomes.reduce((sum, outcome) => sum + outcomeCount(job, outcome), 0);
    return { done: Math.max(0, total - open), total };
}

/** Writes per minute since the job started, or undefined before a minute's worth of evidence is meaningful. */
export function ratePerMinute(job: Job, nowMs: number): number | undefined {
    if (!job.startedDateTime) return undefined;
    const endMs = job.finishedDateTime ? Date.parse(job.finishedDateTime) : nowMs;
    const elapsedMs = endMs - Date.parse(job.startedDateTime);
    if (!(elapsedMs > 0)) return undefined;
    const written = writtenOutcomes.reduce((sum, outcome) => sum + outcomeCount(job, outcome), 0);
    return (written * minuteMs) / elapsedMs;
}

function bar(done: number, total: number, final: boolean): string {
    // A job still planning has no meetings counted yet: an empty bar, not a full one.
    const filled = total === 0 ? (final ? barWidth : 0) : Math.round((done / total) * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
}

/**
 * One line of progress: state, bar, done/total, writes per minute, the pause and its end, the estimated finish.
 * `nowMs` is passed in so the line is a pure function of what the gateway answered.
 */
export function formatProgress(job: Job, nowMs: number): string {
    const { done, total } = doneOf(job);
    const parts = [job.state.padEnd(9), bar(done, total, finalStates.includes(job.state)), `${done}/${total}`];
    const rate = ratePerMinute(job, nowMs);
    if (rate !== undefined) parts.push(`${rate.toFixed(1)}/min`);
    if (job.state === 'paused' || job.resumeDateTime) {
        const until = job.resumeDateTime ? ` until ${shortInstant(job.resumeDateTime)}` : '';
        const why = job.pausedReason ? ` (${job.pausedReason})` : '';
        // A running job also waits out its minute's message budget: only `paused` is the day's budget spent.
        parts.push(`${job.state === 'paused' ? 'paused' : 'waiting'}${until}${why}`);
    }
    if (job.estimatedFinishDateTime && !job.finishedDateTime)
        parts.push(`est. finish ${shortInstant(job.estimatedFinishDateTime)}`);
    return parts.join('  ');
}

/**
 * What a non-terminal log shows a new line for: a change of state, progress or pause, not the clock moving the
 * rate (which would print a line every poll).
 */
export function progressKey(job: Job): string {
    const { done, total } = doneOf(job);
    return [job.state, done, total, job.resumeDateTime ?? '', job.pausedReason ?? ''].join('|');
}

/** The closing line: how the job ended and what became of its meetings. */
export function formatSummary(job: Job): string {
    const byOutcome = job.counts?.byOutcome ?? {};
    const outcomes = ['succeeded', 'failed', 'skipped', 'unknown', 'pending', 'inFlight']
        .filter((outcome) => outcome in byOutcome && (byOutcome[outcome] !== 0 || outcome === 'failed'))
        .map((outcome) => `${byOutcome[outcome]} ${outcome}`);
    const span =
        job.startedDateTime && job.finishedDateTime
            ? ` (${shortInstant(job.startedDateTime)} to ${shortInstant(job.finishedDateTime)})`
            : '';
    const error = job.error ? `\nJob error: ${job.error.code}: ${job.error.message}` : '';
    return `Job ${job.id} ${job.state}${span}: ${outcomes.join(', ') || 'no meetings'}${error}`;
}
