import { checkBulkRun, type BulkCheckInput, writtenEventId } from '../../chaos/bulkChecks';
import { defaultBulkChaosOptions, parseBulkChaosOptions } from '../../chaos/bulkOptions';

const mailboxPath = '/v1.0/users/c4a05000-0000-4000-8000-0000000b01c0/events';

/** Two meetings, each cancelled once: as a clean run leaves them (moved to Deleted Items under a new regular id). */
function clean(): BulkCheckInput {
    return {
        seeded: ['M1=', 'M2='],
        job: {
            id: 'job-1',
            state: 'completed',
            counts: {
                total: 2,
                byAction: { cancel: 2, endSeries: 0, decline: 0, skip: 0 },
                byOutcome: { pending: 0, inFlight: 0, succeeded: 2, failed: 0, skipped: 0, unknown: 0 },
            },
        },
        items: [
            { eventId: 'M1=', subject: 'one', action: 'cancel', outcome: 'succeeded', cancellationId: 'c1' },
            { eventId: 'M2=', subject: 'two', action: 'cancel', outcome: 'succeeded', cancellationId: 'c2' },
        ],
        requests: [
            { seq: 1, method: 'GET', path: `${mailboxPath}/M1%3D`, status: 200 },
            { seq: 2, method: 'POST', path: `${mailboxPath}/M1%3D/cancel`, status: 202 },
            { seq: 3, method: 'POST', path: `${mailboxPath}/M2%3D/cancel`, status: 202 },
            { seq: 4, method: 'POST', path: '/v1.0/$batch', status: 200 },
        ],
        mailbox: [
            {
                id: 'D1',
                previousIds: ['M1='],
                immutableId: 'I1',
                isOrganizer: true,
                isCancelled: true,
                state: 'deleted',
                cancelledVia: 'cancel',
            },
            {
                id: 'D2',
                previousIds: ['M2='],
                immutableId: 'I2',
                isOrganizer: true,
                isCancelled: true,
                state: 'deleted',
                cancelledVia: 'cancel',
            },
        ],
        recordStates: new Map([
            ['c1', 'verified'],
            ['c2', 'verified'],
        ]),
        killsAsked: 2,
        killsDuringJob: 2,
    };
}

/** The bulk chaos run's verdict must catch what it is there to catch (a check that never fails proves nothing). */
describe('bulk chaos checks', () => {
    it('pass a clean run: one item and one write per meeting, found by any id the meeting had', () => {
        const result = checkBulkRun(clean());
        expect(result.violations).toEqual([]);
        expect(result).toMatchObject({
            writes: 2,
            writesNotOk: 0,
            writesPerMeeting: { 1: 2 },
            outcomes: { succeeded: 2 },
        });
    });

    it('catch a second write to a meeting, even by its immutable id or from a $batch item', () => {
        const input = clean();
        const result = checkBulkRun({
            ...input,
            requests: [...input.requests, { seq: 5, method: 'POST', path: `/users/x/events/I2/cancel`, status: 202 }],
        });
        expect(result.violations).toEqual(['meeting M2=: 2 Graph writes, not 1']);
    });

    it('catch a meeting with no write, a missing or doubled item, and counts that do not add up', () => {
        const input = clean();
        const [first] = input.items;
        expect(
            checkBulkRun({
                ...input,
                job: { ...input.job, counts: { ...input.job.counts!, total: 3 } },
                items: [first!, first!],
                requests: input.requests.slice(0, 2),
            }).violations,
        ).toEqual([
            'meeting M1= has 2 job items, not 1',
            'meeting M2= has 0 job items, not 1',
            'counts.total 3, items 2',
            'meeting M2=: 0 Graph writes, not 1',
        ]);
    });

    it('catch a job not completed, an unknown outcome, a meeting not cancelled in Graph, an unverified record, a late kill', () => {
        const input = clean();
        const result = checkBulkRun({
            ...input,
            job: { ...input.job, state: 'running' },
            items: [input.items[0]!, { ...input.items[1]!, outcome: 'unknown' }],
            mailbox: [{ ...input.mailbox[0]!, isCancelled: false, cancelledVia: null }, input.mailbox[1]!],
            recordStates: new Map([['c1', 'pending']]),
            killsDuringJob: 1,
        });
        expect(result.violations).toEqual([
            'job state running, not completed',
            'counts.byOutcome {"pending":0,"inFlight":0,"succeeded":2,"failed":0,"skipped":0,"unknown":0} ≠ items {"succeeded":1,"unknown":1}',
            'meeting M2=: cancel unknown',
            'meeting M1= succeeded but is not cancelled in Graph',
            'meeting M1=: record c1 is pending',
            '1 of 2 kills landed while the job ran',
        ]);
    });

    it('read the event id of writes only', () => {
        expect(writtenEventId({ method: 'PATCH', path: `${mailboxPath}/AB%3D%3D` })).toBe('AB==');
        expect(writtenEventId({ method: 'GET', path: `${mailboxPath}/AB` })).toBeUndefined();
        expect(writtenEventId({ method: 'POST', path: '/v1.0/$batch' })).toBeUndefined();
    });

    it('parse its options, with --help and range checks', () => {
        expect(parseBulkChaosOptions(['--help'])).toBeUndefined();
        expect(parseBulkChaosOptions([])).toEqual(defaultBulkChaosOptions);
        expect(parseBulkChaosOptions(['--meetings', '400', '--kill-at', 'random'])).toMatchObject({
            meetings: 400,
            kills: 2,
            killAt: 'random',
        });
        expect(() => parseBulkChaosOptions(['--messages-per-minute', '601'])).toThrow(/from 1 to 600/);
        expect(() => parseBulkChaosOptions(['--kill-at', 'never'])).toThrow(/write or random/);
    });
});
