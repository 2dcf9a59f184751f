import { jobRedriveDelaysMs, redrivePoisonedJob } from '../../src/domain/bulk/redrive';
import type { JobNotificationMessage } from '../../src/domain/notifications/notificationMessage';
import { jobHarness, meetings, tenantId } from '../support/bulkJobHarness';

/**
 * A job's message the host moved to `cancellation-jobs-poison` (every try of a slice failed, e.g. Storage was down):
 * the job must not stay `running` with no message left to move it.
 */
describe('a bulk job whose message was poisoned', () => {
    const poisoned = { tenantId, jobId: 'job1' };

    it('is sent again after the first delay of the schedule, and the job then finishes, each meeting written once', async () => {
        const h = jobHarness(meetings(3));
        await h.create();

        expect(await redrivePoisonedJob(h.deps, poisoned)).toBe('redriven');
        expect(h.queued).toEqual([
            { message: { ...poisoned, redrives: 1 }, visibleAtMs: h.now() + jobRedriveDelaysMs[0]! },
        ]);

        await h.runQueued();
        expect(await h.current()).toMatchObject({ state: 'completed' });
        expect(h.graph.writes).toHaveLength(3);
        expect(new Set(h.graph.writes).size).toBe(3);
    });

    it('waits longer each time it is poisoned again in a row', async () => {
        const h = jobHarness(meetings(1));
        await h.create();
        for (const [redrives, delayMs] of jobRedriveDelaysMs.entries()) {
            h.queued.length = 0;
            expect(await redrivePoisonedJob(h.deps, { ...poisoned, redrives })).toBe('redriven');
            expect(h.queued).toEqual([
                { message: { ...poisoned, redrives: redrives + 1 }, visibleAtMs: h.now() + delayMs },
            ]);
        }
    });

    it('counts only poisonings in a row: a slice that runs sends its next message without the count', async () => {
        // One message a minute: the slice writes one meeting, then sends the job's message for the next minute.
        const h = jobHarness(meetings(3), { limits: { messagesPerMinute: 1 } });
        await h.create();
        h.queued.push({ message: { ...poisoned, redrives: 3 }, visibleAtMs: h.now() });

        await h.runQueued(1);
        expect(h.graph.writes).toHaveLength(1);
        expect(h.queued.map((q) => q.message)).toEqual([poisoned]);
    });

    it('ends failed once the schedule is used up, says why, and announces it', async () => {
        const h = jobHarness(meetings(3));
        await h.create();

        expect(await redrivePoisonedJob(h.deps, { ...poisoned, redrives: jobRedriveDelaysMs.length })).toBe('failed');
        const job = await h.current();
        expect(job).toMatchObject({ state: 'failed', error: { code: 'workerFailed' } });
        expect(job.finishedAt).toBeDefined();
        expect(h.queued).toEqual([]);
        expect(h.graph.writes).toEqual([]);
        const announced = h.notified.filter((m): m is JobNotificationMessage => 'jobId' in m);
        expect(announced.map((m) => m.type)).toEqual(['cancellationJob.completed']);
    });

    it('leaves a job that ended, or does not exist, as it is', async () => {
        const h = jobHarness(meetings(2));
        await h.create();
        await h.runToEnd();
        const ended = await h.current();

        expect(await redrivePoisonedJob(h.deps, { ...poisoned, redrives: jobRedriveDelaysMs.length })).toBe('gone');
        expect(await redrivePoisonedJob(h.deps, { tenantId, jobId: 'no-such-job' })).toBe('gone');
        expect(await h.current()).toEqual(ended);
        expect(h.queued).toEqual([]);
    });
});
