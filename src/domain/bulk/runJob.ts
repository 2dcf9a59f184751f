import { AppError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { CancelEventCommand, CancelOutcome } from '../cancellation/cancellationService';
import type { NotificationQueue } from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import { ConcurrencyConflict, type Stored } from '../shared/stored';
import { type DiscoverDeps, discoverPlan, eventResourceKey } from './discover';
import {
    type BulkJob,
    type BulkJobStore,
    isFinal,
    type JobError,
    type JobItem,
    type JobMessage,
    type JobQueue,
} from './job';
import { type JobEventDeps, owing, sendOwedJobEvents } from './jobEvents';
import type { MailboxPacer } from './pacing';
import type { BulkCalendarGraph } from './ports';
import { type TenantLimit, tenantSlotWaitMs } from './tenantLimit';

export interface RunJobDeps {
    readonly store: BulkJobStore;
    readonly discover: DiscoverDeps;
    readonly graph: BulkCalendarGraph;
    /** Cancels go through the ordinary cancellation service: a record, a notification, reconciliation. */
    readonly cancellations: { cancelEvent(command: CancelEventCommand): Promise<CancelOutcome> };
    readonly queue: JobQueue;
    /** Where the job's own notifications go (`cancellationJob.completed`, `cancellationJob.paused`). */
    readonly notifications: NotificationQueue;
    readonly clock: Clock;
    /** The mailbox's sending budget (messages per minute, recipients per day). */
    readonly pacer: MailboxPacer;
    /** How long one invocation works before it hands on to the next message (well inside the function timeout). */
    readonly sliceMs: number;
    /** How long to wait when Graph throttles a write beyond the client's own retries. */
    readonly throttledDelayMs: number;
    /** The tenant-wide brake: how many of a tenant's jobs write at once (BULK_MAX_RUNNING_JOBS). */
    readonly tenantLimit: TenantLimit;
    readonly log: (message: string) => void;
}

/**
 * Graph writes a job has in flight for its mailbox at once: its worker writes one item at a time (claim, write,
 * record), and a job has one worker message. Reconciliation leaves this much of the mailbox's concurrency free.
 */
export const writesInFlightPerJob = 1;

export type SliceResult = 'gone' | 'finished' | 'continued' | 'waiting' | 'contended';

/**
 * One invocation of a job's worker: plans it (once), then works its items one at a time until the slice's time is
 * up, the mailbox's budget is spent, or nothing is left, and sends the job's message again to go on. Every item is
 * claimed with its ETag before its Graph write, so each meeting gets at most one write however many workers hold a
 * message of the job (a redelivered one, a crash's); an item a crash left claimed is not written again (see
 * {@link resolveInterrupted}).
 */
export async function runJobSlice(deps: RunJobDeps, received: JobMessage): Promise<SliceResult> {
    // A slice that runs hands on a message without the redrive count: the count is of poisonings in a row.
    const message: JobMessage = { tenantId: received.tenantId, jobId: received.jobId };
    const startedMs = deps.clock.now().getTime();
    let stored = await deps.store.getJob(message.tenantId, message.jobId);
    if (!stored || isFinal(stored.value.state)) return 'gone';

    if (stored.value.state === 'planning') {
        const planned = await plan(deps, stored);
        if (planned === 'failed') return 'finished';
        if (planned === 'waiting') return 'waiting';
        stored = planned;
    }
    const admitted = await admit(deps, stored, message);
    if (admitted === 'gone' || admitted === 'waiting') return admitted;
    stored = admitted;
    for (;;) {
        const job = stored.value;
        if (isFinal(job.state)) return 'gone';
        const now = deps.clock.now();
        if (job.resumeAt !== undefined && Date.parse(job.resumeAt) > now.getTime()) {
            await deps.queue.send(message, Date.parse(job.resumeAt) - now.getTime());
            return 'waiting';
        }
        if (now.getTime() - startedMs >= deps.sliceMs) {
            await deps.queue.send(message, 0);
            return 'continued';
        }
        const item = await deps.store.nextOpenItem(job.tenantId, job.id);
        if (!item) {
            const finishedAt = now.toISOString();
            const completed = await saveJob(deps, stored, (current) =>
                owing(
                    { ...current, state: 'completed', finishedAt, resumeAt: undefined, pausedReason: undefined },
                    { type: 'cancellationJob.completed', occurredAt: finishedAt },
                ),
            );
            await sendOwed(deps, completed);
            return 'finished';
        }
        const step = await workItem(deps, job, item);
        if (step.kind === 'contended') return 'contended';
        if (step.kind === 'wait') {
            const resumeAt = new Date(now.getTime() + step.delayMs).toISOString();
            const saved = await saveJob(deps, stored, (current) => {
                const state = step.reason === 'recipientsPerDay' ? 'paused' : 'running';
                const waiting: BulkJob = { ...current, state, resumeAt, pausedReason: step.reason };
                // Announced once per pause: a job that wakes up to a budget still spent stays paused quietly.
                return state === 'paused' && current.state !== 'paused'
                    ? owing(waiting, { type: 'cancellationJob.paused', occurredAt: now.toISOString(), resumeAt })
                    : waiting;
            });
            await sendOwed(deps, saved);
            if (saved && !isFinal(saved.value.state)) await deps.queue.send(message, step.delayMs);
            return 'waiting';
        }
        // Read again before the next item: an administrator may have stopped the job meanwhile.
        const fresh = await deps.store.getJob(job.tenantId, job.id);
        if (!fresh) return 'gone';
        stored = fresh;
        if (stored.value.state === 'paused' || stored.value.resumeAt !== undefined) {
            const resumed = await saveJob(deps, stored, (current) => ({
                ...current,
                state: 'running',
                resumeAt: undefined,
                pausedReason: undefined,
            }));
            if (!resumed) return 'gone';
            stored = resumed;
        }
    }
}

/**
 * The tenant's brake, checked once a slice: a job outside the tenant's running-job slots stays `running`, says it
 * waits (`pausedReason: tenantLimit`, `resumeAt`: when it looks again); one that got a slot says so no more.
 */
async function admit(
    deps: RunJobDeps,
    stored: Stored<BulkJob>,
    message: JobMessage,
): Promise<Stored<BulkJob> | 'gone' | 'waiting'> {
    const now = deps.clock.now();
    const job = stored.value;
    // A job waiting out its mailbox's budget is not writing: the loop sends it on at `resumeAt`.
    if (job.resumeAt !== undefined && Date.parse(job.resumeAt) > now.getTime()) return stored;
    const waitMs = await tenantSlotWaitMs(deps.store, deps.tenantLimit, job);
    if (waitMs === undefined) {
        if (job.pausedReason !== 'tenantLimit') return stored;
        const started = await saveJob(deps, stored, (current) => ({
            ...current,
            state: 'running',
            resumeAt: undefined,
            pausedReason: undefined,
        }));
        return started && !isFinal(started.value.state) ? started : 'gone';
    }
    const resumeAt = new Date(now.getTime() + waitMs).toISOString();
    const waiting = await saveJob(deps, stored, (current) => ({
        ...current,
        state: 'running',
        resumeAt,
        pausedReason: 'tenantLimit',
    }));
    if (!waiting || isFinal(waiting.value.state)) return 'gone';
    await deps.queue.send(message, waitMs);
    return 'waiting';
}

/** Plans the job and stores one item per meeting (a repeat after a crash adds nothing), then marks it running. */
async function plan(deps: RunJobDeps, stored: Stored<BulkJob>): Promise<Stored<BulkJob> | 'failed' | 'waiting'> {
    const job = stored.value;
    let meetings;
    try {
        ({ meetings } = await discoverPlan(deps.discover, { tenantId: job.tenantId, userId: job.userId }, job.request));
    } catch (error) {
        const throttledMs = throttledFor(deps, error);
        if (throttledMs !== undefined) {
            await deps.queue.send({ tenantId: job.tenantId, jobId: job.id }, throttledMs);
            return 'waiting';
        }
        // Graph's refusal (the mailbox has no calendar, no permission) will not change: the job fails and says why.
        if (error instanceof AppError && error.status < 500) {
            const finishedAt = deps.clock.now().toISOString();
            const failed = await saveJob(deps, stored, (current) =>
                owing(
                    { ...current, state: 'failed', finishedAt, error: errorOf(error) },
                    { type: 'cancellationJob.completed', occurredAt: finishedAt },
                ),
            );
            await sendOwed(deps, failed);
            return 'failed';
        }
        throw error;
    }
    await deps.store.addItems(
        meetings.map((meeting): JobItem => ({
            ...meeting,
            tenantId: job.tenantId,
            jobId: job.id,
            outcome: meeting.action === 'skip' ? 'skipped' : 'pending',
        })),
    );
    const now = deps.clock.now().toISOString();
    const running = await saveJob(deps, stored, (current) =>
        current.state === 'planning' ? { ...current, state: 'running', startedAt: now } : current,
    );
    return running ?? stored;
}

type Step =
    | { readonly kind: 'done' }
    | { readonly kind: 'contended' }
    | { readonly kind: 'wait'; readonly delayMs: number; readonly reason: NonNullable<BulkJob['pausedReason']> };

async function workItem(deps: RunJobDeps, job: BulkJob, stored: Stored<JobItem>): Promise<Step> {
    let item = stored;
    if (item.value.outcome === 'inFlight') {
        const resolved = await resolveInterrupted(deps, job, item);
        if (resolved === 'contended') return { kind: 'contended' };
        if (resolved === 'settled') return { kind: 'done' };
        item = resolved;
    }
    const recipients = item.value.action === 'decline' ? 1 : Math.max(1, item.value.attendees);
    const budget = await deps.pacer.take(job.tenantId, job.userId, recipients, deps.clock.now());
    if (!budget.granted) return { kind: 'wait', delayMs: budget.retryAfterMs, reason: budget.reason };

    const claimed = await tryUpdate(
        deps,
        {
            ...item.value,
            outcome: 'inFlight',
            claimedAt: deps.clock.now().toISOString(),
        },
        item.etag,
    );
    if (!claimed) return { kind: 'contended' };

    let result: Pick<JobItem, 'outcome' | 'cancellationId' | 'error'>;
    try {
        result = await write(deps, job, claimed.value);
    } catch (error) {
        const throttledMs = throttledFor(deps, error);
        if (throttledMs !== undefined) {
            // Graph throttled it (past the client's own retries) and did not do it: written later, once.
            await tryUpdate(deps, { ...claimed.value, outcome: 'pending', claimedAt: undefined }, claimed.etag);
            return { kind: 'wait', delayMs: throttledMs, reason: 'throttled' };
        }
        if (!(error instanceof AppError) || error.status >= 500) {
            // Graph may or may not have done it: never written again; a cancel's record tells (reconciliation).
            result = { outcome: 'unknown', error: errorOf(error) };
        } else {
            result = { outcome: 'failed', error: errorOf(error) };
        }
    }
    const finished = await tryUpdate(
        deps,
        { ...claimed.value, ...result, finishedAt: deps.clock.now().toISOString() },
        claimed.etag,
    );
    return finished ? { kind: 'done' } : { kind: 'contended' };
}

async function write(
    deps: RunJobDeps,
    job: BulkJob,
    item: JobItem,
): Promise<Pick<JobItem, 'outcome' | 'cancellationId' | 'error'>> {
    const comment = job.request.comment;
    switch (item.action) {
        case 'cancel': {
            const outcome = await deps.cancellations.cancelEvent(cancelCommand(job, item));
            const error = outcome.record.lastError;
            return outcome.record.state === 'failed'
                ? { outcome: 'failed', cancellationId: outcome.record.id, error }
                : { outcome: 'succeeded', cancellationId: outcome.record.id };
        }
        case 'decline':
            await deps.graph.decline(job.userId, item.eventId, comment);
            return { outcome: 'succeeded' };
        case 'endSeries': {
            // Read the master again: its recurrence is written back whole, as it is now.
            const master = await deps.graph.getSeriesMaster(job.userId, item.eventId);
            await deps.graph.endSeries(job.userId, master, item.seriesEndDate ?? '');
            return { outcome: 'succeeded' };
        }
        case 'skip':
            return { outcome: 'skipped' };
    }
}

function cancelCommand(job: BulkJob, item: JobItem): CancelEventCommand {
    return {
        tenantId: job.tenantId,
        actor: job.actor,
        event: {
            version: 'v1.0',
            mailbox: { kind: 'user', userId: job.userId },
            collection: { kind: 'events' },
            eventId: item.eventId,
        },
        mailbox: `user:${job.userId}`,
        eventId: item.eventId,
        comment: job.request.comment,
        clientRequestId: `${job.id}.${item.eventId}`.slice(0, 200),
    };
}

/**
 * An item a crash left claimed. A cancel records its intent before Graph is called, so its record says what
 * happened: the record's outcome is the item's (reconciliation finishes a pending one); without a record Graph was
 * not called and the cancel may run. A decline or series end leaves nothing to ask: `unknown`, never sent twice.
 */
async function resolveInterrupted(
    deps: RunJobDeps,
    job: BulkJob,
    stored: Stored<JobItem>,
): Promise<Stored<JobItem> | 'settled' | 'contended'> {
    const item = stored.value;
    const finishedAt = deps.clock.now().toISOString();
    if (item.action === 'cancel') {
        const record = await deps.discover.records.findByResource(
            job.tenantId,
            eventResourceKey(job.userId, item.eventId),
        );
        if (!record) {
            const reopened = await tryUpdate(deps, { ...item, outcome: 'pending', claimedAt: undefined }, stored.etag);
            return reopened ?? 'contended';
        }
        const failed = record.value.state === 'failed';
        const settled = await tryUpdate(
            deps,
            {
                ...item,
                outcome: failed ? 'failed' : 'succeeded',
                cancellationId: record.value.id,
                error: failed ? record.value.lastError : undefined,
                finishedAt,
            },
            stored.etag,
        );
        return settled ? 'settled' : 'contended';
    }
    const unknown = await tryUpdate(
        deps,
        {
            ...item,
            outcome: 'unknown',
            error: { status: 0, code: 'interrupted', message: 'The worker stopped during the Graph write.' },
            finishedAt,
        },
        stored.etag,
    );
    return unknown ? 'settled' : 'contended';
}

/** Sends what the job's last save owes; what cannot be sent now stays owed for reconciliation's timer. */
export async function sendOwed(deps: JobEventDeps, stored: Stored<BulkJob> | undefined): Promise<void> {
    if (stored) await sendOwedJobEvents(stored, deps);
}

async function tryUpdate(deps: RunJobDeps, item: JobItem, etag: string): Promise<Stored<JobItem> | undefined> {
    try {
        return await deps.store.updateItem(item, etag);
    } catch (error) {
        if (error instanceof ConcurrencyConflict) return undefined;
        throw error;
    }
}

/** Applies `change` to the job, reading it again on a conflict; a job that ended meanwhile is left as it is. */
export async function saveJob(
    deps: Pick<RunJobDeps, 'store' | 'clock'>,
    stored: Stored<BulkJob>,
    change: (job: BulkJob) => BulkJob,
): Promise<Stored<BulkJob> | undefined> {
    let current: Stored<BulkJob> | null = stored;
    for (let attempt = 0; attempt < 5 && current; attempt += 1) {
        if (isFinal(current.value.state)) return current;
        try {
            return await deps.store.updateJob(
                { ...change(current.value), updatedAt: deps.clock.now().toISOString() },
                current.etag,
            );
        } catch (error) {
            if (!(error instanceof ConcurrencyConflict)) throw error;
            current = await deps.store.getJob(stored.value.tenantId, stored.value.id);
        }
    }
    return current ?? undefined;
}

/**
 * How long to wait when Graph throttled a call: a 429, or the 503 the Graph client answers when throttling outlasts
 * its retry deadline, with the `Retry-After` it carries (else `throttledDelayMs`). `undefined` for any other error.
 */
function throttledFor(deps: RunJobDeps, error: unknown): number | undefined {
    if (!(error instanceof AppError)) return undefined;
    const throttled =
        (error instanceof UpstreamError && error.status === 429) ||
        (error.status === 503 && error.code === 'serviceNotAvailable');
    if (!throttled) return undefined;
    const seconds = Number(error.headers['Retry-After']);
    return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : deps.throttledDelayMs;
}

function errorOf(error: unknown): JobError {
    if (error instanceof AppError) return { status: error.status, code: error.code, message: error.message };
    return { status: 500, code: 'generalException', message: 'The write failed unexpectedly.' };
}
