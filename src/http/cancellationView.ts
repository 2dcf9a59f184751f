import { type CancellationRecord, historyOf, originOf } from '../domain/cancellation/record';
import type { CancellationView } from './schemas';

/** A cancellation record as `GET /api/cancellations…` shows it (storage bookkeeping left out). */
export function cancellationView(record: CancellationRecord): CancellationView {
    return {
        id: record.id,
        kind: record.kind,
        origin: originOf(record),
        state: record.state,
        createdDateTime: record.createdAt,
        lastModifiedDateTime: record.updatedAt,
        requestedBy: record.actor,
        resource: {
            version: record.resource.version,
            path: record.resource.graphPath,
            eventId: record.resource.eventId,
            businessId: record.resource.businessId,
            appointmentId: record.resource.appointmentId,
            type: record.resource.eventType,
            seriesMasterId: record.resource.seriesMasterId,
            iCalUId: record.resource.iCalUId,
            subject: record.resource.subject,
            start: record.resource.start,
            end: record.resource.end,
        },
        comment: record.comment,
        cancellationMessage: record.cancellationMessage,
        recipients: [...record.audience],
        graphRequestIds: [...record.graphRequestIds],
        attempts: record.attempts,
        attemptHistory: historyOf(record).map((attempt) => ({
            requestedBy: attempt.actor,
            comment: attempt.comment,
            cancellationMessage: attempt.cancellationMessage,
            dateTime: attempt.at,
            by: attempt.by,
            outcome: attempt.outcome,
        })),
        lastError: record.lastError,
    };
}
