import type { Actor } from '../cancellation/record';
import type { JobEventType } from '../notifications/notificationMessage';
import type { Stored } from '../shared/stored';
import type { BulkAction, BulkRequest, PlannedMeeting } from './bulkJob';

/**
 * A bulk cancellation job: `planning` (reading the calendar) → `running` (one meeting at a time) ⇄ `paused` (the
 * mailbox's sending budget is spent until `resumeAt`) → `completed`; `stopped` by an administrator, `failed` when
 * the calendar could not be planned.
 */
export type JobState = 'planning' | 'running' | 'paused' | 'completed' | 'stopped' | 'failed';

export const jobStates: readonly JobState[] = ['planning', 'running', 'paused', 'completed', 'stopped', 'failed'];

export const isFinal = (state: JobState): boolean => state === 'completed' || state === 'stopped' || state === 'failed';

export interface JobError {
    readonly status: number;
    readonly code: string;
    readonly message: string;
}

export interface BulkJob {
    readonly id: string;
    readonly tenantId: string;
    readonly state: JobState;
    readonly request: BulkRequest;
    /** The mailbox resolved through the directory. */
    readonly userId: string;
    readonly userPrincipalName: string;
    /** The administrator who asked: each cancel's record names them. */
    readonly actor: Actor;
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly startedAt?: string | undefined;
    readonly finishedAt?: string | undefined;
    /** While `paused` (or waiting out the minute's message budget): when the job goes on by itself. */
    readonly resumeAt?: string | undefined;
    /** `tenantLimit`: the job is `running` but waits for one of the tenant's running-job slots (see tenantLimit.ts). */
    readonly pausedReason?: 'messagesPerMinute' | 'recipientsPerDay' | 'throttled' | 'tenantLimit' | undefined;
    readonly error?: JobError | undefined;
    /**
     * Notifications the job owes (an outbox): saved in the same write as the state change that announces them,
     * cleared once queued; reconciliation's timer sends those still owed after a while (src/domain/bulk/jobEvents.ts).
     */
    readonly eventsOwed?: readonly OwedJobEvent[] | undefined;
}

/** A job notification owed: `cancellationJob.completed` (the job ended) or `cancellationJob.paused`. */
export interface OwedJobEvent {
    readonly type: JobEventType;
    /** ISO 8601 UTC instant of the state change. */
    readonly occurredAt: string;
    /** A pause's resume time. */
    readonly resumeAt?: string | undefined;
}

/**
 * What became of one meeting: `pending` (not yet written), `inFlight` (claimed: its Graph write is under way),
 * `succeeded`, `failed` (Graph refused; see `error`), `skipped` (the plan's skip), `unknown` (a crash interrupted
 * the write and Graph's side is not known: it is not written again).
 */
export type ItemOutcome = 'pending' | 'inFlight' | 'succeeded' | 'failed' | 'skipped' | 'unknown';

export const itemOutcomes: readonly ItemOutcome[] = [
    'pending',
    'inFlight',
    'succeeded',
    'failed',
    'skipped',
    'unknown',
];

export interface JobItem extends PlannedMeeting {
    readonly tenantId: string;
    readonly jobId: string;
    readonly outcome: ItemOutcome;
    /** The cancellation record a `cancel` created (or found). */
    readonly cancellationId?: string | undefined;
    readonly error?: JobError | undefined;
    readonly claimedAt?: string | undefined;
    readonly finishedAt?: string | undefined;
}

export interface JobCounts {
    readonly total: number;
    readonly byAction: Readonly<Record<BulkAction, number>>;
    readonly byOutcome: Readonly<Record<ItemOutcome, number>>;
    /** Graph writes still to make (pending and in-flight cancels, series ends and declines). */
    readonly remainingWrites: number;
}

export interface JobItemsQuery {
    readonly tenantId: string;
    readonly jobId: string;
    readonly outcome?: ItemOutcome | undefined;
    readonly pageSize: number;
    readonly continuationToken?: string | undefined;
}

export interface JobItemPage {
    readonly items: readonly JobItem[];
    readonly continuationToken?: string | undefined;
}

/** Jobs and their items (Azure Table `cancellationjobs`), with ETags for every change. */
export interface BulkJobStore {
    createJob(job: BulkJob): Promise<Stored<BulkJob>>;
    getJob(tenantId: string, jobId: string): Promise<Stored<BulkJob> | null>;
    /** Throws `ConcurrencyConflict` when the job changed since `etag`. */
    updateJob(job: BulkJob, etag: string): Promise<Stored<BulkJob>>;
    /** The tenant's jobs, newest first. */
    listJobs(tenantId: string, max: number): Promise<readonly BulkJob[]>;
    /** The tenant's jobs not yet ended (`planning`, `running`, `paused`), in no particular order. */
    listUnfinishedJobs(tenantId: string): Promise<readonly BulkJob[]>;
    /** The tenant's jobs that owe notifications (`eventsOwed` not empty). */
    listJobsOwingEvents(tenantId: string): Promise<readonly Stored<BulkJob>[]>;
    /** Inserts each item not stored yet (an item is known by its job and event id): a repeat changes nothing. */
    addItems(items: readonly JobItem[]): Promise<void>;
    /** An item still to be worked (`pending`, or `inFlight` left by a crash), in start order. */
    nextOpenItem(tenantId: string, jobId: string): Promise<Stored<JobItem> | null>;
    /** Throws `ConcurrencyConflict` when the item changed since `etag` (another worker claimed it). */
    updateItem(item: JobItem, etag: string): Promise<Stored<JobItem>>;
    listItems(query: JobItemsQuery): Promise<JobItemPage>;
    countItems(tenantId: string, jobId: string): Promise<JobCounts>;
}

/** The message that drives a job: its worker runs a slice of it and sends the message again to go on. */
export interface JobMessage {
    readonly tenantId: string;
    readonly jobId: string;
    /** Times in a row the message was poisoned (every try of the host failed) and sent again; absent = 0. */
    readonly redrives?: number | undefined;
}

export interface JobQueue {
    /** Sends the job's message, visible after `delayMs` (0: now). */
    send(message: JobMessage, delayMs: number): Promise<void>;
}

const writeActions: readonly BulkAction[] = ['cancel', 'endSeries', 'decline'];

export function countItems(items: readonly Pick<JobItem, 'action' | 'outcome'>[]): JobCounts {
    const byAction: Record<BulkAction, number> = { cancel: 0, endSeries: 0, decline: 0, skip: 0 };
    const byOutcome: Record<ItemOutcome, number> = {
        pending: 0,
        inFlight: 0,
        succeeded: 0,
        failed: 0,
        skipped: 0,
        unknown: 0,
    };
    let remainingWrites = 0;
    for (const item of items) {
        byAction[item.action] += 1;
        byOutcome[item.outcome] += 1;
        if (writeActions.includes(item.action) && (item.outcome === 'pending' || item.outcome === 'inFlight')) {
            remainingWrites += 1;
        }
    }
    return { total: items.length, byAction, byOutcome, remainingWrites };
}
