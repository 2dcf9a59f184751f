import type { JobNotificationMessage, NotificationQueue } from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import { ConcurrencyConflict, type Stored } from '../shared/stored';
import type { BulkJob, BulkJobStore, OwedJobEvent } from './job';

/** Jobs' owed notifications older than this are sent by reconciliation's timer (the worker sends them at once). */
export const owedJobEventsRedriveAfterMs = 5 * 60_000;

export interface JobEventDeps {
    readonly store: Pick<BulkJobStore, 'getJob' | 'updateJob' | 'listJobsOwingEvents'>;
    readonly notifications: NotificationQueue;
    readonly clock: Clock;
    readonly log: (message: string) => void;
}

/** The job with `event` added to its outbox: save it in the same write as the state change it announces. */
export function owing(job: BulkJob, event: OwedJobEvent): BulkJob {
    return { ...job, eventsOwed: [...(job.eventsOwed ?? []), event] };
}

/**
 * The queue message of an owed event. Its id is derived from the job and the event (a pause by its time, since a
 * job pauses once per spent day), so an event queued twice yields one `webhook-id` per subscription.
 */
export function jobEventMessage(job: BulkJob, event: OwedJobEvent): JobNotificationMessage {
    const messageId =
        event.type === 'cancellationJob.paused'
            ? `${job.id}.${event.type}.${event.occurredAt}`
            : `${job.id}.${event.type}`;
    return {
        schemaVersion: 1,
        messageId,
        type: event.type,
        tenantId: job.tenantId,
        jobId: job.id,
        occurredAt: event.occurredAt,
        ...(event.resumeAt === undefined ? {} : { resumeAt: event.resumeAt }),
    };
}

/**
 * Queues the job's owed notifications, then clears those sent from its outbox (reading the job again when another
 * writer changed it meanwhile). A failed enqueue leaves the rest owed for reconciliation's timer; nothing throws.
 */
export async function sendOwedJobEvents(stored: Stored<BulkJob>, deps: JobEventDeps): Promise<Stored<BulkJob>> {
    const owed = stored.value.eventsOwed ?? [];
    if (owed.length === 0) return stored;
    const sent = new Set<string>();
    try {
        for (const event of owed) {
            const message = jobEventMessage(stored.value, event);
            await deps.notifications.enqueue(message);
            sent.add(message.messageId);
        }
    } catch (error) {
        deps.log(`notification of cancellation job ${stored.value.id} left for reconciliation: ${String(error)}`);
    }
    if (sent.size === 0) return stored;
    return clearSent(stored, sent, deps);
}

async function clearSent(stored: Stored<BulkJob>, sent: ReadonlySet<string>, deps: JobEventDeps) {
    let current: Stored<BulkJob> | null = stored;
    for (let attempt = 0; attempt < 5 && current; attempt += 1) {
        const job: BulkJob = current.value;
        const remaining = (job.eventsOwed ?? []).filter((event) => !sent.has(jobEventMessage(job, event).messageId));
        if (remaining.length === (job.eventsOwed ?? []).length) return current;
        try {
            return await deps.store.updateJob(
                { ...job, eventsOwed: remaining.length === 0 ? undefined : remaining },
                current.etag,
            );
        } catch (error) {
            if (!(error instanceof ConcurrencyConflict)) throw error;
            current = await deps.store.getJob(job.tenantId, job.id);
        }
    }
    // Still owed: sent again later, and receivers dedupe it by its `webhook-id`.
    return current ?? stored;
}

/**
 * Reconciliation's timer: sends the notifications that jobs have owed for {@link owedJobEventsRedriveAfterMs} or
 * more (a worker that died between its save and the enqueue). Returns how many jobs it sent for.
 */
export async function redriveOwedJobEvents(tenantId: string, deps: JobEventDeps): Promise<number> {
    const cutoffMs = deps.clock.now().getTime() - owedJobEventsRedriveAfterMs;
    const jobs = await deps.store.listJobsOwingEvents(tenantId);
    let redriven = 0;
    for (const stored of jobs) {
        const due = (stored.value.eventsOwed ?? []).some((event) => Date.parse(event.occurredAt) <= cutoffMs);
        if (!due) continue;
        await sendOwedJobEvents(stored, deps);
        redriven += 1;
    }
    return redriven;
}
