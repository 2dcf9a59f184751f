import type { BulkJob, JobCounts } from '../bulk/job';
import { type CancellationRecord, originOf } from '../cancellation/record';
import type { CancellationNotificationMessage, JobNotificationMessage } from '../notifications/notificationMessage';
import type { Subscription } from './subscription';

/**
 * The Standard Webhooks payload `{type, timestamp, data}`: the cancellation, what it concerned, the comment or
 * message, and who it concerns (attendees, or booking customers), plus the subscriber's `clientState`.
 */
export function webhookPayload(
    message: CancellationNotificationMessage,
    record: CancellationRecord,
    subscription: Subscription,
) {
    const { resource } = record;
    return {
        type: message.type,
        timestamp: message.occurredAt,
        data: {
            cancellationId: record.id,
            kind: record.kind,
            origin: originOf(record),
            state: record.state,
            requestedBy: record.actor,
            resource: {
                version: resource.version,
                path: resource.graphPath,
                eventId: resource.eventId,
                businessId: resource.businessId,
                appointmentId: resource.appointmentId,
                type: resource.eventType,
                seriesMasterId: resource.seriesMasterId,
                iCalUId: resource.iCalUId,
                subject: resource.subject,
                start: resource.start,
                end: resource.end,
            },
            ...(record.kind === 'event'
                ? { comment: record.comment, attendees: record.audience }
                : { cancellationMessage: record.cancellationMessage, customers: record.audience }),
            ...(subscription.clientState === undefined ? {} : { clientState: subscription.clientState }),
        },
    };
}

/**
 * The payload of a job's notification: the job (its mailbox, window, who asked), its state (`paused`, or the final
 * one: `completed`, `stopped`, `failed`), its counts per action and outcome as they are when it is fanned out, its
 * times, and for a pause when it resumes.
 */
export function jobWebhookPayload(
    message: JobNotificationMessage,
    job: BulkJob,
    counts: JobCounts,
    subscription: Subscription,
) {
    const paused = message.type === 'cancellationJob.paused';
    return {
        type: message.type,
        timestamp: message.occurredAt,
        data: {
            jobId: job.id,
            state: paused ? 'paused' : job.state,
            mailbox: job.userPrincipalName,
            window: job.request.window,
            requestedBy: job.actor,
            counts: { total: counts.total, byAction: counts.byAction, byOutcome: counts.byOutcome },
            ...(job.startedAt === undefined ? {} : { startedDateTime: job.startedAt }),
            ...(paused || job.finishedAt === undefined ? {} : { finishedDateTime: job.finishedAt }),
            ...(paused && message.resumeAt !== undefined ? { resumeDateTime: message.resumeAt } : {}),
            ...(!paused && job.error !== undefined ? { error: job.error } : {}),
            ...(subscription.clientState === undefined ? {} : { clientState: subscription.clientState }),
        },
    };
}
