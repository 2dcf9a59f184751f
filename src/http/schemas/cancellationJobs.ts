import * as z from 'zod';
import { bulkActions, skipReasons } from '../../domain/bulk/bulkJob';
import { itemOutcomes, jobStates } from '../../domain/bulk/job';

/** `POST /api/cancellationJobs` and what the jobs routes answer (issue 17: bulk cancellation for offboarding). */

/** Five years: Exchange's own limit for `Remove-CalendarEvents -QueryWindowInDays`. */
export const maxWindowDays = 1825;
const dayMs = 86_400_000;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const upn = /^[^@\s/\\?#%]+@[^@\s/\\?#%]+\.[^@\s/\\?#%]+$/;

const instant = z.iso.datetime({ offset: true });

const windowSchema = z
    .object({
        start: instant.describe('Start of the window (ISO 8601).').meta({ title: 'From' }),
        end: instant.describe('End of the window (ISO 8601), after start.').meta({ title: 'To' }),
    })
    .strict()
    .refine(({ start, end }) => Date.parse(start) < Date.parse(end), { message: 'start must be before end' })
    .refine(({ start, end }) => Date.parse(end) - Date.parse(start) <= maxWindowDays * dayMs, {
        message: `the window may span at most ${maxWindowDays} days`,
    })
    .describe('The meetings overlapping this window are planned.');

export const cancellationJobCreateBody = z
    .object({
        mailbox: z
            .string()
            .max(320)
            .refine((value) => guid.test(value) || upn.test(value), { message: 'must be a UPN or an object id' })
            .describe("The departing user's UPN or object id.")
            .meta({ title: 'Mailbox' }),
        window: windowSchema,
        match: z
            .object({
                subjectContains: z.string().min(1).max(255).optional().meta({ title: 'Subject contains' }),
                categories: z.array(z.string().min(1).max(255)).min(1).max(50).optional().meta({ title: 'Categories' }),
            })
            .strict()
            .optional()
            .describe('Only meetings whose subject contains the text and that carry one of the categories.'),
        organized: z
            .enum(['cancel', 'skip'])
            .describe('Meetings the user organizes: cancel them, or leave them.')
            .meta({ title: 'Organized meetings' }),
        series: z
            .enum(['endBeforeWindow', 'cancel'])
            .describe(
                'A series the user organizes that started before the window: end it before the window (its history ' +
                    'stays), or cancel it whole. A series that starts inside the window is cancelled whole.',
            )
            .meta({ title: 'Series' }),
        invited: z
            .enum(['decline', 'leave'])
            .describe('Meetings the user was invited to: decline them (the organizer is told), or leave them.')
            .meta({ title: 'Invitations' }),
        comment: z
            .string()
            .max(4000)
            .optional()
            .describe('Sent with every cancel, series update and decline.')
            .meta({ title: 'Comment' }),
        dryRun: z
            .boolean()
            .optional()
            .describe('true: answer 200 with the plan and write nothing (the preview).')
            .meta({ title: 'Preview only' }),
    })
    .strict()
    .describe('Body of a bulk cancellation: whose meetings, over which window, and what to do with each kind.');

export type CancellationJobCreateBody = z.infer<typeof cancellationJobCreateBody>;

/**
 * The same body without `dryRun`: `POST /api/cancellationJobs/preview` (always a preview) and the connector's "Start
 * bulk cancellation" (always a job), two actions where one route's flag would make one action do both.
 */
export const cancellationJobPlanBody = cancellationJobCreateBody
    .omit({ dryRun: true })
    .strict()
    .describe('Whose meetings, over which window, and what to do with each kind.');

export type CancellationJobPlanBody = z.infer<typeof cancellationJobPlanBody>;

const actionSchema = z
    .enum(bulkActions as [string, ...string[]])
    .describe('cancel (an ordinary cancellation), endSeries (the series ends before the window), decline, or skip.');

export const plannedMeetingSchema = z.object({
    eventId: z.string().describe("The event written to: the meeting's, or its series master's."),
    subject: z.string().meta({ title: 'Subject' }),
    start: z
        .string()
        .describe('ISO 8601 UTC; for a series its first occurrence in the window.')
        .meta({ title: 'Start' }),
    end: z.string().describe('ISO 8601 UTC.').meta({ title: 'End' }),
    type: z.enum(['singleInstance', 'seriesMaster']),
    occurrencesInWindow: z.number().int().optional().describe('For a series: its occurrences in the window.'),
    isOrganizer: z.boolean(),
    attendees: z.number().int().describe('Attendees and resources.').meta({ title: 'Attendees' }),
    action: actionSchema,
    reason: z
        .enum(skipReasons as [string, ...string[]])
        .optional()
        .describe(
            'Why it is skipped: noAttendees, alreadyCancelled, cancelledByGateway, notMatched, organizedLeft, invitationLeft.',
        ),
    seriesEndDate: z.string().optional().describe('For endSeries: the last day the series keeps (YYYY-MM-DD).'),
});

const actionCounts = z.object({
    cancel: z.number().int(),
    endSeries: z.number().int(),
    decline: z.number().int(),
    skip: z.number().int(),
});

/** `POST /api/cancellationJobs` with `dryRun: true` → 200: every meeting and the action it would get. */
export const cancellationJobPreviewSchema = z
    .object({
        mailbox: z.string(),
        window: z.object({ start: z.string(), end: z.string() }),
        counts: actionCounts,
        meetings: z.array(plannedMeetingSchema),
    })
    .describe('What a bulk cancellation would do: nothing was written.');

export type CancellationJobPreview = z.infer<typeof cancellationJobPreviewSchema>;
export type PlannedMeetingView = z.infer<typeof plannedMeetingSchema>;

// ---- Jobs ----

export const jobError = z.object({ status: z.number().int(), code: z.string(), message: z.string() });

const outcomeSchema = z
    .enum(itemOutcomes as [string, ...string[]])
    .describe(
        'pending (not written yet), inFlight (its Graph write is under way), succeeded, failed (see error), skipped ' +
            '(the plan skipped it), unknown (a crash interrupted the write; it is not written again).',
    );

const outcomeCounts = z.object(
    Object.fromEntries(itemOutcomes.map((outcome) => [outcome, z.number().int()])) as Record<
        (typeof itemOutcomes)[number],
        z.ZodNumber
    >,
);

/** A job's meetings per action and per outcome. */
export const jobCountsSchema = z.object({ total: z.number().int(), byAction: actionCounts, byOutcome: outcomeCounts });

export const cancellationJobViewSchema = z
    .object({
        id: z.string().meta({ title: 'Job id' }),
        state: z
            .enum(jobStates as [string, ...string[]])
            .describe('planning, running, paused (until resumeDateTime), completed, stopped, failed.'),
        mailbox: z.string().describe("The user's UPN."),
        window: z.object({ start: z.string(), end: z.string() }),
        organized: z.enum(['cancel', 'skip']),
        series: z.enum(['endBeforeWindow', 'cancel']),
        invited: z.enum(['decline', 'leave']),
        match: z
            .object({ subjectContains: z.string().optional(), categories: z.array(z.string()).optional() })
            .optional(),
        comment: z.string().optional(),
        requestedBy: z.object({
            kind: z.enum(['user', 'app']),
            objectId: z.string(),
            userPrincipalName: z.string().optional(),
            appId: z.string(),
        }),
        createdDateTime: z.string(),
        startedDateTime: z.string().optional(),
        finishedDateTime: z.string().optional(),
        resumeDateTime: z.string().optional().describe('When a paused or waiting job goes on by itself.'),
        pausedReason: z
            .enum(['messagesPerMinute', 'recipientsPerDay', 'throttled', 'tenantLimit'])
            .optional()
            .describe(
                "Which budget the mailbox spent: Exchange's message rate, its daily recipients, or Graph's throttling; or `tenantLimit`: the job waits for one of the tenant's running-job slots (BULK_MAX_RUNNING_JOBS).",
            ),
        estimatedFinishDateTime: z
            .string()
            .optional()
            .describe('From the writes left and the configured message rate (BULK_MESSAGES_PER_MINUTE).'),
        counts: jobCountsSchema
            .optional()
            .describe('Meetings per action and per outcome (on a single job, not in the list).'),
        error: jobError.optional().describe('Why the job failed (the calendar could not be read).'),
    })
    .describe('A bulk cancellation job.');

export const cancellationJobListSchema = z.object({ value: z.array(cancellationJobViewSchema) });

export const cancellationJobItemViewSchema = plannedMeetingSchema
    .extend({
        outcome: outcomeSchema,
        cancellationId: z.string().optional().describe('The cancellation record a cancel created.'),
        error: jobError.optional().describe("Graph's error for a failed write."),
        finishedDateTime: z.string().optional(),
    })
    .describe('One meeting of a job and what became of it.');

export const cancellationJobItemListSchema = z.object({
    value: z.array(cancellationJobItemViewSchema),
    '@odata.nextLink': z.string().optional(),
});

export const cancellationJobItemsQuery = z
    .object({
        outcome: z.enum(itemOutcomes as [string, ...string[]]).optional(),
        $top: z.coerce.number().int().min(1).max(200).optional(),
        $skiptoken: z.string().min(1).max(4096).optional(),
    })
    .strict();

export const stopCancellationJobBody = z.object({}).strict();

export type CancellationJobView = z.infer<typeof cancellationJobViewSchema>;
export type CancellationJobList = z.infer<typeof cancellationJobListSchema>;
export type CancellationJobItemView = z.infer<typeof cancellationJobItemViewSchema>;
export type CancellationJobItemList = z.infer<typeof cancellationJobItemListSchema>;
export type CancellationJobItemsQuery = z.infer<typeof cancellationJobItemsQuery>;
