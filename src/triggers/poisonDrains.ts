import type { InvocationContext } from '@azure/functions';
import { redrivePoisonedJob } from '../domain/bulk/redrive';
import type { RunJobDeps } from '../domain/bulk/runJob';
import {
    logFieldsOf,
    notificationsIn,
    notificationsQueueMessageSchema,
} from '../domain/notifications/notificationMessage';
import { deliveryJobSchema } from '../domain/webhooks/delivery';
import {
    parkPoisonedDelivery,
    parkPoisonedNotification,
    parkUnreadableNotification,
    type PoisonDeps,
} from '../domain/webhooks/poison';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { jobMessageSchema } from './cancellationJobWorker';
import { queueMessageId } from './queueMessages';

function asText(message: unknown): string {
    return typeof message === 'string' ? message : JSON.stringify(message);
}

/**
 * Queue function on `webhook-deliveries-poison` and `webhook-deliveries-retry-poison`: the delivery a poisoned job was for becomes `failed` (listed with
 * `state=failed`, sent again by replay or recover) instead of staying `pending` with no job left to move it.
 */
export function deliveryPoisonHandler(deps: Pick<PoisonDeps, 'deliveries' | 'clock'>) {
    return function webhookDeliveryPoison(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const job = deliveryJobSchema.safeParse(message);
            if (!job.success) {
                // Names no delivery: nothing to mark. The line is what is left of it.
                log.error(`poisoned delivery job dropped, not a delivery job: ${asText(message).slice(0, 1000)}`);
                return;
            }
            annotateLogScope({ deliveryId: job.data.deliveryId });
            const outcome = await parkPoisonedDelivery(job.data, deps);
            log.warn(`poisoned delivery job ${job.data.deliveryId} attempt ${job.data.attempt}: delivery ${outcome}`);
        });
    };
}

/**
 * Queue function on `notifications-poison`: a notification the fan-out failed on every try is sent again on a
 * bounded schedule and recorded (`GET /api/parkedNotifications`); one that is no notification is recorded as it is.
 */
export function notificationPoisonHandler(tenantId: string, deps: Omit<PoisonDeps, 'deliveries'>) {
    return function notificationFanOutPoison(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const parsed = notificationsQueueMessageSchema.safeParse(message);
            if (!parsed.success) {
                await parkUnreadableNotification(tenantId, asText(message), deps);
                log.error('poisoned notification is not a notification message: parked as unreadable');
                return;
            }
            // A batch's notifications are parked (and sent again) one by one.
            for (const notification of notificationsIn(parsed.data)) {
                const outcome = await parkPoisonedNotification(notification, deps);
                const what = outcome === 'parked' ? 'parked for an operator (re-sends used up)' : 'sent again later';
                log.warn(`poisoned notification ${notification.messageId}: ${what}`, logFieldsOf(notification));
            }
        });
    };
}

/**
 * Queue function on `cancellation-jobs-poison`, where the host moves a job's message after every try failed (e.g.
 * Storage was down): the message is sent again later, and a job poisoned too often in a row ends `failed`.
 */
export function cancellationJobPoisonHandler(deps: RunJobDeps) {
    return function cancellationJobPoison(message: unknown, context: InvocationContext): Promise<void> {
        return withLogScope(context, { messageId: queueMessageId(context) }, async () => {
            const job = jobMessageSchema.safeParse(message);
            if (!job.success) {
                // Names no job: nothing to move on. The line is what is left of it.
                log.error(`poisoned job message dropped, not a job message: ${asText(message).slice(0, 1000)}`);
                return;
            }
            annotateLogScope({ cancellationJobId: job.data.jobId });
            const outcome = await redrivePoisonedJob(deps, job.data);
            log.warn(`poisoned message of cancellation job ${job.data.jobId}: ${outcome}`);
        });
    };
}
