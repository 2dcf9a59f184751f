import { bob } from '../auth/fakes';
import type { BulkRequest } from '../../src/domain/bulk/bulkJob';
import type { BulkJob, JobMessage } from '../../src/domain/bulk/job';
import { type PacingLimits, storedPacer } from '../../src/domain/bulk/pacing';
import type { CalendarViewItem, SeriesMaster } from '../../src/domain/bulk/ports';
import { type RunJobDeps, runJobSlice, type SliceResult } from '../../src/domain/bulk/runJob';
import { CancellationService } from '../../src/domain/cancellation/cancellationService';
import { NotificationRelay } from '../../src/domain/cancellation/notificationRelay';
import type {
    NotificationBatchQueue,
    NotificationMessage,
    NotificationQueue,
} from '../../src/domain/notifications/notificationMessage';
import { devTenant } from '../../dev/identity/devTenant';
import { FakeBulkCalendar } from './fakes/fakeBulkCalendar';
import { MemoryBulkJobStore } from './fakes/memoryBulkJobStore';
import { MemoryCancellationStore } from './fakes/memoryCancellationStore';

export const tenantId = devTenant.tenantId;
export const startMs = Date.parse('2026-11-30T08:00:00.000Z');

export const offboarding: BulkRequest = {
    mailbox: bob.userPrincipalName,
    window: { start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' },
    organized: 'cancel',
    series: 'endBeforeWindow',
    invited: 'decline',
    comment: 'Bob has left.',
};

export function meeting(id: string, overrides: Partial<CalendarViewItem> = {}): CalendarViewItem {
    return {
        id,
        subject: `Meeting ${id}`,
        start: '2026-12-10T09:00:00.000Z',
        end: '2026-12-10T09:30:00.000Z',
        type: 'singleInstance',
        isOrganizer: true,
        isCancelled: false,
        attendees: 2,
        categories: [],
        ...overrides,
    };
}

/** `count` single meetings on consecutive days from 2 December, `attendees` each. */
export function meetings(count: number, attendees = 2): CalendarViewItem[] {
    return Array.from({ length: count }, (_, i) => {
        const day = new Date(Date.parse('2026-12-02T09:00:00.000Z') + i * 86_400_000);
        return meeting(`M${String(i).padStart(3, '0')}`, {
            start: day.toISOString(),
            end: new Date(day.getTime() + 1_800_000).toISOString(),
            attendees,
        });
    });
}

/**
 * A job's worker on fakes at every port: Graph (FakeBulkCalendar), storage (memory stores), the queue (a list of
 * messages with their delays) and the clock (moved by the harness, never waited on).
 */
export function jobHarness(
    items: CalendarViewItem[],
    options: {
        masters?: SeriesMaster[];
        limits?: Partial<PacingLimits>;
        /** The tenant's running-job limit (BULK_MAX_RUNNING_JOBS). */
        maxRunningJobs?: number;
        request?: Partial<BulkRequest>;
        /** How long each Graph write takes on the test's clock (0: answered at once). */
        writeMs?: number;
        /** How long after a message is visible the queue hands it to a worker (the host's polling). */
        deliveryLatencyMs?: number;
    } = {},
) {
    let nowMs = startMs;
    const clock = { now: () => new Date(nowMs) };
    const graph = new FakeBulkCalendar(bob.id, items, options.masters ?? []);
    graph.now = () => nowMs;
    const writeMs = options.writeMs ?? 0;
    graph.beforeAnswer = () => {
        nowMs += writeMs;
    };
    const records = new MemoryCancellationStore();
    const jobs = new MemoryBulkJobStore();
    const notified: NotificationMessage[] = [];
    /** Enqueues to fail before the queue takes messages again (a storage outage). */
    let failingEnqueues = 0;
    /** One queue message, with one notification or several. */
    const send = (messages: readonly NotificationMessage[]): Promise<void> => {
        if (failingEnqueues > 0) {
            failingEnqueues -= 1;
            return Promise.reject(new Error('queue unavailable'));
        }
        return Promise.resolve(void notified.push(...messages));
    };
    const notifications: NotificationQueue & NotificationBatchQueue = {
        enqueue: (message) => send([message]),
        enqueueAll: send,
    };
    const relay = new NotificationRelay({ store: records, notifications, log: () => undefined });
    let ids = 0;
    const cancellations = new CancellationService({
        store: records,
        calendar: graph,
        bookings: graph,
        relay,
        notifications,
        clock,
        newId: () => `c${++ids}`,
        settings: { verifyDelayMs: 60_000, pendingGraceMs: 600_000 },
        log: () => undefined,
    });
    /** Messages sent, each visible at `visibleAtMs`. */
    const queued: { message: JobMessage; visibleAtMs: number }[] = [];
    const limits: PacingLimits = { messagesPerMinute: 30, recipientsPerDay: 10_000, ...options.limits };
    const deps: RunJobDeps = {
        store: jobs,
        discover: { graph, records },
        graph,
        cancellations,
        queue: {
            send: (message, delayMs) => Promise.resolve(void queued.push({ message, visibleAtMs: nowMs + delayMs })),
        },
        notifications,
        clock,
        pacer: storedPacer(jobs, limits),
        sliceMs: 60_000,
        throttledDelayMs: 30_000,
        tenantLimit: { maxRunningJobs: options.maxRunningJobs ?? 40, recheckMs: 30_000 },
        log: () => undefined,
    };
    const job: BulkJob = {
        id: 'job1',
        tenantId,
        state: 'planning',
        request: { ...offboarding, ...options.request },
        userId: bob.id,
        userPrincipalName: bob.userPrincipalName,
        actor: { kind: 'app', objectId: 'admin-app', appId: 'admin-app', basis: 'administrator' },
        createdAt: new Date(startMs).toISOString(),
        updatedAt: new Date(startMs).toISOString(),
    };

    /** Runs the job's messages as the queue would deliver them, moving the clock to each one's visibility. */
    async function runToEnd(maxSlices = 1000): Promise<SliceResult[]> {
        queued.push({ message: { tenantId, jobId: job.id }, visibleAtMs: nowMs });
        return runQueued(maxSlices);
    }

    /** Delivers the messages already queued (and those they send) until none is left or `maxSlices` ran. */
    async function runQueued(maxSlices = 1000): Promise<SliceResult[]> {
        const results: SliceResult[] = [];
        while (queued.length > 0 && results.length < maxSlices) {
            queued.sort((a, b) => a.visibleAtMs - b.visibleAtMs);
            const next = queued.shift()!;
            nowMs = Math.max(nowMs, next.visibleAtMs + (options.deliveryLatencyMs ?? 0));
            results.push(await runJobSlice(deps, next.message));
        }
        return results;
    }

    return {
        graph,
        records,
        jobs,
        notified,
        relay,
        queued,
        deps,
        job,
        create: () => jobs.createJob(job),
        runToEnd,
        runQueued,
        advance: (ms: number) => {
            nowMs += ms;
        },
        now: () => nowMs,
        failEnqueues: (count: number) => {
            failingEnqueues = count;
        },
        clock,
        items: async () =>
            (await jobs.listItems({ tenantId, jobId: job.id, pageSize: 1000 })).items.map((item) => ({ ...item })),
        current: async () => (await jobs.getJob(tenantId, job.id))!.value,
    };
}
