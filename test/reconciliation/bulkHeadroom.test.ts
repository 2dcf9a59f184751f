import { reconcileLookupOptions } from '../../src/composition/services';
import type { BulkJob, JobState } from '../../src/domain/bulk/job';
import { writesInFlightPerJob } from '../../src/domain/bulk/runJob';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import { maxPerMailboxBesideBulkJobs } from '../../src/domain/reconciliation/bulkJobHeadroom';
import {
    type BatchAnswer,
    type GraphBatchPort,
    graphItemsInFlightPerMailbox,
    type ItemLookup,
    lookupMany,
} from '../../src/domain/reconciliation/graphLookups';
import { cancelRetryDelaysMs, reconcile, type ReconcileDeps } from '../../src/domain/reconciliation/reconciler';
import { MemoryBulkJobStore } from '../support/fakes/memoryBulkJobStore';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { until } from '../support/until';

/** Outlook's concurrent requests per app and mailbox (docs/graph.md). */
const outlookLimitPerMailbox = 4;
const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000017';
const t0 = Date.parse('2026-11-22T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** The directory object ids of four users; records name their mailboxes `user:<id>`, jobs by `userId`. */
const leaver = { id: '1eaf0000-0000-4000-8000-00000000b0b0', upn: 'leaver@contoso.test' };
const stayer = { id: '57a40000-0000-4000-8000-00000000ca01', upn: 'stayer@contoso.test' };
const done = { id: 'd04e0000-0000-4000-8000-00000000da7e', upn: 'done@contoso.test' };
const second = { id: '5ec0d000-0000-4000-8000-0000000000f2', upn: 'second@contoso.test' };

function lookups(count: number, mailbox: string): ItemLookup[] {
    return Array.from({ length: count }, (_, n) => ({
        id: `r${n}`,
        mailbox,
        version: 'v1.0' as const,
        target: {
            kind: 'event' as const,
            event: { version: 'v1.0' as const, graphPath: `/users/${mailbox}/events/e${n}` },
        },
    }));
}

/**
 * Graph at the batch port: a batch stays in flight until the test answers it, and while it is in flight Graph runs
 * min(items, 4) of its items against the mailbox at once (docs/graph.md §5), which is what the mailbox sees.
 */
function heldGraph() {
    const held: Array<{ items: number; answer: () => void }> = [];
    const sizes: number[] = [];
    const graph: GraphBatchPort = {
        async send(_version, requests): Promise<BatchAnswer> {
            sizes.push(requests.length);
            await new Promise<void>((answer) => held.push({ items: requests.length, answer }));
            return { responses: requests.map((r) => ({ id: r.id, status: 200, body: { id: r.id } })) };
        },
    };
    return {
        graph,
        sizes,
        /** Requests the mailbox has running for the batches in flight now. */
        runningOnMailbox: () =>
            held.reduce((sum, batch) => sum + Math.min(batch.items, graphItemsInFlightPerMailbox), 0),
        heldCount: () => held.length,
        answerOne: () => held.shift()?.answer(),
    };
}

/** Graph answering every batch at once (each event gone), noting each batch's mailbox and size. */
function answeringGraph() {
    const batches: Array<{ mailbox: string; items: number }> = [];
    const graph: GraphBatchPort = {
        send(_version, requests): Promise<BatchAnswer> {
            batches.push({ mailbox: requests[0]!.mailbox, items: requests.length });
            return Promise.resolve({ responses: requests.map((r) => ({ id: r.id, status: 404, body: {} })) });
        },
    };
    const sizesFor = (mailbox: string) => batches.filter((b) => b.mailbox === mailbox).map((b) => b.items);
    return { graph, sizesFor };
}

function acceptedRecord(id: string, userId: string): CancellationRecord {
    return {
        id,
        tenantId,
        kind: 'event',
        state: 'accepted',
        createdAt: iso(t0 - 3_600_000),
        updatedAt: iso(t0 - 3_600_000),
        actor: { kind: 'app', objectId: 'admin-app', appId: 'admin-app', basis: 'administrator' },
        resource: {
            version: 'v1.0',
            graphPath: `/users/${userId}/events/${id}`,
            resourceKey: `event|user:${userId}|${id}`,
            mailbox: `user:${userId}`,
            eventId: id,
        },
        audience: [],
        graphRequestIds: ['req-0'],
        attempts: 1,
        notificationPending: false,
        nextCheckAt: iso(t0 - 60_000),
    };
}

function job(id: string, user: { id: string; upn: string }, state: JobState): BulkJob {
    return {
        id,
        tenantId,
        state,
        request: {
            mailbox: user.upn,
            window: { start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' },
            organized: 'cancel',
            series: 'endBeforeWindow',
            invited: 'decline',
        },
        userId: user.id,
        userPrincipalName: user.upn,
        actor: { kind: 'app', objectId: 'admin-app', appId: 'admin-app', basis: 'administrator' },
        createdAt: iso(t0 - 600_000),
        updatedAt: iso(t0 - 600_000),
    };
}

describe('reconciliation beside a bulk job on the same mailbox (issue 17)', () => {
    it('leaves room for the job’s write: batch items running plus the write never exceed 4 per mailbox', async () => {
        const mailbox = `user:${leaver.id}`;
        const fake = heldGraph();
        const clock = { now: () => new Date(1_000_000) };
        const sleep = () => Promise.resolve();
        const run = lookupMany(
            lookups(10, mailbox),
            {
                deadline: 2_000_000,
                ...reconcileLookupOptions,
                maxPerMailboxFor: new Map([[mailbox, maxPerMailboxBesideBulkJobs(1)]]),
            },
            { graph: fake.graph, clock, sleep },
        );
        let most = 0;
        let answered = 0;
        while (answered < 4) {
            await until('a batch in flight', () => (fake.heldCount() > 0 ? true : undefined));
            // The job's one write is in flight the whole time: the worst case for the mailbox.
            most = Math.max(most, fake.runningOnMailbox() + writesInFlightPerJob);
            fake.answerOne();
            answered += 1;
        }
        const report = await run;

        expect(report.answers.size).toBe(10);
        expect(fake.sizes).toEqual([3, 3, 3, 1]);
        expect(most).toBe(outlookLimitPerMailbox);
    });

    it('cuts batches to 3 only for mailboxes with an unfinished job (2 with two jobs); the others keep batches of 20', async () => {
        const store = new MemoryCancellationStore();
        const jobs = new MemoryBulkJobStore();
        await jobs.createJob(job('running', leaver, 'running'));
        await jobs.createJob(job('ended', done, 'completed'));
        // Two jobs on one mailbox: each has its write in flight, so the batches leave room for both.
        await jobs.createJob(job('first', second, 'running'));
        await jobs.createJob(job('again', second, 'paused'));
        const users = [leaver, stayer, done, second];
        for (const user of users) {
            for (let n = 0; n < 25; n++) await store.create(acceptedRecord(`${user.upn}-${n}`, user.id));
        }
        const fake = answeringGraph();
        const clock = { now: () => new Date(t0) };
        const deps: ReconcileDeps = {
            store,
            jobs,
            notifications: { enqueue: () => Promise.resolve() },
            log: () => undefined,
            lookups: (items, options) =>
                lookupMany(
                    items,
                    { ...reconcileLookupOptions, ...options },
                    { graph: fake.graph, clock, sleep: () => Promise.resolve() },
                ),
            // Every event is gone and drift is not repaired: the pass writes nothing to Graph.
            calendar: {} as ReconcileDeps['calendar'],
            bookings: {} as ReconcileDeps['bookings'],
            clock,
            settings: {
                budgetMs: 240_000,
                verifyDelayMs: 600_000,
                maxCancelAttempts: 3,
                repairDrift: false,
                pageSize: 500,
                cancelRetryDelaysMs,
            },
        };

        const summary = await reconcile(tenantId, deps);

        expect(summary).toMatchObject({ checked: 100, verified: 100, stoppedForBudget: false });
        expect(fake.sizesFor(`user:${leaver.id}`)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 1]);
        expect(fake.sizesFor(`user:${second.id}`)).toEqual(Array.from({ length: 13 }, (_, n) => (n < 12 ? 2 : 1)));
        expect(fake.sizesFor(`user:${stayer.id}`)).toEqual([20, 5]);
        expect(fake.sizesFor(`user:${done.id}`)).toEqual([20, 5]);
    });
});
