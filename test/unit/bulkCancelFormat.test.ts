import { GatewayError, retryDelayMs } from '../../dev/bulk-cancel/gatewayClient';
import { formatProgress, formatSummary, progressKey, ratePerMinute } from '../../dev/bulk-cancel/progress';
import { formatActionCounts, formatFailures, formatPreviewTable, writesPlanned } from '../../dev/bulk-cancel/table';
import type { Job, JobItem, Preview } from '../../dev/bulk-cancel/wire';

/** What `npm run bulk-cancel` prints (the preview table, the progress line, the summary, the failures) and when it retries. */

const preview: Preview = {
    mailbox: 'dana@contoso.test',
    window: { start: '2026-12-01T00:00:00Z', end: '2027-03-01T00:00:00Z' },
    counts: { cancel: 1, endSeries: 1, decline: 1, skip: 2 },
    meetings: [
        {
            eventId: 'e3',
            subject: 'Prep #116',
            start: '2026-12-08T09:45:00Z',
            type: 'singleInstance',
            attendees: 0,
            action: 'skip',
            reason: 'noAttendees',
        },
        {
            eventId: 'e1',
            subject: 'Team standup',
            start: '2026-12-01T09:00:00Z',
            type: 'seriesMaster',
            occurrencesInWindow: 64,
            attendees: 3,
            action: 'endSeries',
            seriesEndDate: '2026-11-30',
        },
        {
            eventId: 'e2',
            subject: 'Vendor demo #118',
            start: '2026-12-07T13:00:00Z',
            type: 'singleInstance',
            attendees: 1,
            action: 'cancel',
        },
        {
            eventId: 'e4',
            subject: "Alice's incident review",
            start: '2026-12-09T10:15:00Z',
            type: 'singleInstance',
            attendees: 2,
            action: 'decline',
        },
        {
            eventId: 'e5',
            subject: 'A very long subject that goes on and on past any reasonable column width',
            start: '2026-12-10T10:00:00Z',
            type: 'singleInstance',
            attendees: 4,
            action: 'skip',
            reason: 'alreadyCancelled',
        },
    ],
};

const runningJob: Job = {
    id: 'job-1',
    state: 'running',
    startedDateTime: '2026-12-03T10:00:00Z',
    estimatedFinishDateTime: '2026-12-03T10:12:00Z',
    counts: {
        total: 330,
        byAction: { cancel: 200, endSeries: 10, decline: 90, skip: 30 },
        byOutcome: { pending: 170, inFlight: 4, succeeded: 120, failed: 6, skipped: 30, unknown: 0 },
    },
};

describe('the preview table', () => {
    it('lists every meeting in start order with its subject, start, type, attendees, action and reason', () => {
        expect(formatPreviewTable(preview)).toBe(
            [
                'Preview for dana@contoso.test, 2026-12-01 00:00Z to 2027-03-01 00:00Z: 5 meeting(s)',
                '',
                'SUBJECT                                   START              TYPE         ATTENDEES  ACTION     REASON',
                '----------------------------------------  -----------------  -----------  ---------  ---------  ----------------',
                'Team standup                              2026-12-01 09:00Z  series (64)  3          endSeries  ends 2026-11-30',
                'Vendor demo #118                          2026-12-07 13:00Z  single       1          cancel',
                'Prep #116                                 2026-12-08 09:45Z  single       0          skip       noAttendees',
                "Alice's incident review                   2026-12-09 10:15Z  single       2          decline",
                'A very long subject that goes on and on…  2026-12-10 10:00Z  single       4          skip       alreadyCancelled',
                '',
                'Actions: cancel 1, endSeries 1, decline 1, skip 2 (alreadyCancelled 1, noAttendees 1)',
            ].join('\n'),
        );
    });

    it('counts an action the CLI does not know yet instead of dropping it, and writes are everything but skips', () => {
        const newer = { ...preview, counts: { ...preview.counts, tentative: 3 } };
        expect(formatActionCounts(newer)).toMatch(/skip 2 \(.*\), tentative 3$/);
        expect(writesPlanned(newer)).toBe(6);
    });
});

describe('the progress line', () => {
    const now = Date.parse('2026-12-03T10:05:00Z');

    it('shows state, bar, done out of total, writes per minute and the estimated finish', () => {
        // done = 330 - 170 pending - 4 in flight; rate = 126 writes (succeeded + failed) over 5 minutes.
        expect(formatProgress(runningJob, now)).toBe(
            'running    [###########-------------]  156/330  25.2/min  est. finish 2026-12-03 10:12Z',
        );
        expect(ratePerMinute(runningJob, now)).toBeCloseTo(25.2);
    });

    it('shows a pause, or a wait for the message budget, with the time the job goes on and why', () => {
        const paused: Job = {
            ...runningJob,
            state: 'paused',
            resumeDateTime: '2026-12-04T00:00:00Z',
            pausedReason: 'recipientsPerDay',
        };
        expect(formatProgress(paused, now)).toContain('paused until 2026-12-04 00:00Z (recipientsPerDay)');
        const waiting: Job = {
            ...runningJob,
            resumeDateTime: '2026-12-03T10:05:30Z',
            pausedReason: 'messagesPerMinute',
        };
        expect(formatProgress(waiting, now)).toContain('waiting until 2026-12-03 10:05Z (messagesPerMinute)');
    });

    it('shows an empty bar and no rate while the job is still planning', () => {
        expect(formatProgress({ id: 'job-1', state: 'planning' }, now)).toBe(
            'planning   [------------------------]  0/0',
        );
    });

    it('measures the rate up to the finish once the job has ended, and drops the estimate', () => {
        const done: Job = {
            ...runningJob,
            state: 'completed',
            finishedDateTime: '2026-12-03T10:10:00Z',
            counts: { ...runningJob.counts!, byOutcome: { succeeded: 294, failed: 6, skipped: 30 } },
        };
        expect(formatProgress(done, now + 3_600_000)).toBe('completed  [########################]  330/330  30.0/min');
    });

    it('changes its key for a log line only when the state, progress or pause changes, not as time passes', () => {
        expect(progressKey(runningJob)).toBe(progressKey({ ...runningJob, estimatedFinishDateTime: 'later' }));
        expect(progressKey(runningJob)).not.toBe(progressKey({ ...runningJob, state: 'paused' }));
        const oneMore = { ...runningJob.counts!, byOutcome: { ...runningJob.counts!.byOutcome, pending: 169 } };
        expect(progressKey(runningJob)).not.toBe(progressKey({ ...runningJob, counts: oneMore }));
    });
});

describe('the end of a run', () => {
    it('sums up how the job ended, always naming failures', () => {
        const done: Job = {
            ...runningJob,
            state: 'stopped',
            finishedDateTime: '2026-12-03T10:10:00Z',
            counts: { ...runningJob.counts!, byOutcome: { pending: 100, succeeded: 200, failed: 0, skipped: 30 } },
        };
        expect(formatSummary(done)).toBe(
            'Job job-1 stopped (2026-12-03 10:00Z to 2026-12-03 10:10Z): 200 succeeded, 0 failed, 30 skipped, 100 pending',
        );
    });

    it("lists each failed meeting with Graph's error code and message", () => {
        const failed: JobItem = {
            ...preview.meetings[1]!,
            outcome: 'failed',
            error: { status: 403, code: 'ErrorAccessDenied', message: 'Access is denied.' },
        };
        expect(formatFailures([failed])).toBe(
            [
                '1 meeting(s) failed:',
                '',
                'SUBJECT       START              ACTION     ERROR              MESSAGE',
                '------------  -----------------  ---------  -----------------  -----------------',
                'Team standup  2026-12-01 09:00Z  endSeries  ErrorAccessDenied  Access is denied.',
            ].join('\n'),
        );
    });
});

describe('retrying a call to the gateway', () => {
    it('retries no answer, 429 and 5xx, honouring Retry-After up to a cap, and gives up after four attempts', () => {
        expect(retryDelayMs(new GatewayError(0, 'ECONNREFUSED', 'no answer'), 1)).toBe(1_000);
        expect(retryDelayMs(new GatewayError(503, 'serviceNotAvailable', 'later'), 2)).toBe(2_000);
        expect(retryDelayMs(new GatewayError(429, 'tooManyRequests', 'later', 7_000), 1)).toBe(7_000);
        expect(retryDelayMs(new GatewayError(429, 'tooManyRequests', 'later', 600_000), 1)).toBe(30_000);
        expect(retryDelayMs(new GatewayError(409, 'idempotencyKeyInFlight', 'busy'), 1)).toBe(1_000);
        expect(retryDelayMs(new GatewayError(503, 'serviceNotAvailable', 'later'), 4)).toBeUndefined();
    });

    it('does not retry what a retry cannot fix: a refusal, a bad request, a reused key', () => {
        expect(retryDelayMs(new GatewayError(403, 'accessDenied', 'no'), 1)).toBeUndefined();
        expect(retryDelayMs(new GatewayError(400, 'invalidRequest', 'bad'), 1)).toBeUndefined();
        expect(retryDelayMs(new GatewayError(422, 'idempotencyKeyReused', 'other body'), 1)).toBeUndefined();
        expect(retryDelayMs(new Error('bug'), 1)).toBeUndefined();
    });
});
