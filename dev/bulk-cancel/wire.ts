import * as z from 'zod';

/**
 * What the CLI reads of the jobs API's answers. A client of the public routes only: it parses loosely (unknown
 * properties pass, new actions or states are shown as they come) so an older CLI keeps working against a newer gateway.
 */

const count = z.number().int().nonnegative();

export const plannedMeeting = z.looseObject({
    eventId: z.string(),
    subject: z.string(),
    start: z.string(),
    end: z.string().optional(),
    type: z.string(),
    occurrencesInWindow: z.number().optional(),
    isOrganizer: z.boolean().optional(),
    attendees: z.number(),
    action: z.string(),
    reason: z.string().optional(),
    seriesEndDate: z.string().optional(),
});
export type PlannedMeeting = z.infer<typeof plannedMeeting>;

export const preview = z.looseObject({
    mailbox: z.string(),
    window: z.looseObject({ start: z.string(), end: z.string() }),
    counts: z.record(z.string(), count),
    meetings: z.array(plannedMeeting),
});
export type Preview = z.infer<typeof preview>;

export const job = z.looseObject({
    id: z.string(),
    state: z.string(),
    mailbox: z.string().optional(),
    startedDateTime: z.string().optional(),
    finishedDateTime: z.string().optional(),
    resumeDateTime: z.string().optional(),
    pausedReason: z.string().optional(),
    estimatedFinishDateTime: z.string().optional(),
    counts: z
        .looseObject({
            total: count,
            byAction: z.record(z.string(), count),
            byOutcome: z.record(z.string(), count),
        })
        .optional(),
    error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
});
export type Job = z.infer<typeof job>;

export const jobItem = plannedMeeting.extend({
    outcome: z.string(),
    cancellationId: z.string().optional(),
    error: z.looseObject({ status: z.number().optional(), code: z.string(), message: z.string() }).optional(),
});
export type JobItem = z.infer<typeof jobItem>;

export const jobItemPage = z.looseObject({ value: z.array(jobItem), '@odata.nextLink': z.string().optional() });

/** Graph's error envelope, as every gateway route answers an error. */
export const errorEnvelope = z.looseObject({
    error: z.looseObject({ code: z.string(), message: z.string() }),
});

/** The states after which a job does no more work. */
export const finalStates: readonly string[] = ['completed', 'stopped', 'failed'];
