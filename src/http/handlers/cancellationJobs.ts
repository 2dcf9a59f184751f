import type { Caller } from '../../domain/access/caller';
import { maySeeJob, requireBulkCaller, requireBulkMailbox } from '../../domain/access/bulkAccess';
import type { Directory } from '../../domain/access/ports';
import type { TenantPolicy } from '../../domain/access/tenantPolicy';
import type { BulkRequest } from '../../domain/bulk/bulkJob';
import { type DiscoverDeps, discoverPlan } from '../../domain/bulk/discover';
import { type BulkJob, type BulkJobStore, isFinal, type JobCounts, type JobQueue } from '../../domain/bulk/job';
import { type JobEventDeps, owing, sendOwedJobEvents } from '../../domain/bulk/jobEvents';
import { estimateFinish, type PacingLimits } from '../../domain/bulk/pacing';
import type { Clock } from '../../domain/ports/clock';
import { ConcurrencyConflict } from '../../domain/shared/stored';
import { AppError, NotFoundError } from '../../errors/appError';
import { actorOf } from '../cancelResponses';
import { routeId } from '../ids';
import { idempotentCreate, type IdempotencyOptions } from '../idempotency';
import { nextLink } from '../nextLink';
import type { RouteHandler } from '../routes/contract';
import { publicPath } from '../routes/routePrefix';
import type {
    CancellationJobCreateBody,
    CancellationJobItemList,
    CancellationJobItemsQuery,
    CancellationJobList,
    CancellationJobPlanBody,
    CancellationJobPreview,
    CancellationJobView,
} from '../schemas';

/** The `Cancellations.Admin` app role is checked by the manifest; the mailbox is resolved through the directory. */
export interface CancellationJobsDeps {
    readonly directory: Directory;
    readonly discover: DiscoverDeps;
    readonly jobs: BulkJobStore;
    readonly queue: JobQueue;
    readonly idempotency: IdempotencyOptions;
    readonly clock: Clock;
    readonly newId: () => string;
    readonly pacing: PacingLimits;
    /** Sends the notification a stop owes (`cancellationJob.completed`). */
    readonly events: JobEventDeps;
    /** Its applications' `bulk` grants: who besides administrators may run jobs, on which mailboxes. */
    readonly policy: TenantPolicy;
}

const maxEchoedChars = 128;
const defaultItemsPageSize = 100;
const listedJobs = 200;

export function bulkRequestOf(body: CancellationJobPlanBody): BulkRequest {
    return {
        mailbox: body.mailbox,
        window: { start: new Date(body.window.start).toISOString(), end: new Date(body.window.end).toISOString() },
        match: body.match,
        organized: body.organized,
        series: body.series,
        invited: body.invited,
        comment: body.comment,
    };
}

/** What GET shows of a job: with its counts and finish estimate on a single job, without them in the list. */
export function jobView(
    job: BulkJob,
    detail?: { readonly counts: JobCounts; readonly now: Date; readonly pacing: PacingLimits },
): CancellationJobView {
    const { request } = job;
    const from =
        job.resumeAt !== undefined && detail && Date.parse(job.resumeAt) > detail.now.getTime()
            ? new Date(job.resumeAt)
            : detail?.now;
    const estimate =
        detail && from && !isFinal(job.state)
            ? estimateFinish(detail.counts.remainingWrites, from, detail.pacing)
            : undefined;
    return {
        id: job.id,
        state: job.state,
        mailbox: job.userPrincipalName,
        window: request.window,
        organized: request.organized,
        series: request.series,
        invited: request.invited,
        ...(request.match ? { match: { ...request.match, categories: request.match.categories?.slice() } } : {}),
        ...(request.comment !== undefined ? { comment: request.comment } : {}),
        requestedBy: {
            kind: job.actor.kind,
            objectId: job.actor.objectId,
            ...(job.actor.userPrincipalName ? { userPrincipalName: job.actor.userPrincipalName } : {}),
            appId: job.actor.appId,
        },
        createdDateTime: job.createdAt,
        ...(job.startedAt ? { startedDateTime: job.startedAt } : {}),
        ...(job.finishedAt ? { finishedDateTime: job.finishedAt } : {}),
        ...(job.resumeAt && !isFinal(job.state) ? { resumeDateTime: job.resumeAt } : {}),
        ...(job.pausedReason && !isFinal(job.state) ? { pausedReason: job.pausedReason } : {}),
        ...(estimate ? { estimatedFinishDateTime: estimate.toISOString() } : {}),
        ...(detail
            ? {
                  counts: {
                      total: detail.counts.total,
                      byAction: { ...detail.counts.byAction },
                      byOutcome: { ...detail.counts.byOutcome },
                  },
              }
            : {}),
        ...(job.error ? { error: job.error } : {}),
    };
}

async function resolveMailbox(deps: CancellationJobsDeps, mailbox: string) {
    const user = await deps.directory.findUser(mailbox);
    if (user === null) {
        throw new NotFoundError(
            `The requested user '${mailbox.slice(0, maxEchoedChars)}' is invalid.`,
            'ErrorInvalidUser',
        );
    }
    return user;
}

async function preview(
    deps: CancellationJobsDeps,
    tenantId: string,
    user: { readonly id: string; readonly userPrincipalName: string },
    bulk: BulkRequest,
): Promise<{ status: 200; jsonBody: CancellationJobPreview }> {
    const plan = await discoverPlan(deps.discover, { tenantId, userId: user.id }, bulk);
    return {
        status: 200,
        jsonBody: {
            mailbox: user.userPrincipalName,
            window: bulk.window,
            counts: plan.counts,
            meetings: plan.meetings.map((meeting) => ({ ...meeting })),
        },
    };
}

/**
 * `POST /api/cancellationJobs/preview`: the plan (200), nothing written; the same as `dryRun: true` on the create
 * route, as its own operation (the connector's "Preview bulk cancellation").
 */
export function previewCancellationJobHandler(
    deps: CancellationJobsDeps,
): RouteHandler<CancellationJobPlanBody, undefined, CancellationJobPreview> {
    return async ({ caller, body }) => {
        requireBulkCaller(caller, deps.policy);
        const user = await resolveMailbox(deps, body.mailbox);
        requireBulkMailbox(caller, deps.policy, user);
        return preview(deps, caller.tenantId, user, bulkRequestOf(body));
    };
}

/**
 * `POST /api/cancellationJobs`: with `dryRun: true` the plan (200), nothing written; otherwise a job is stored and
 * queued (202 + `Location`), and its worker plans and works it (src/domain/bulk/runJob.ts).
 */
export function createCancellationJobHandler(
    deps: CancellationJobsDeps,
): RouteHandler<CancellationJobCreateBody, undefined, CancellationJobPreview | CancellationJobView> {
    return async ({ request, scope, caller, body }) => {
        requireBulkCaller(caller, deps.policy);
        const user = await resolveMailbox(deps, body.mailbox);
        const basis = requireBulkMailbox(caller, deps.policy, user);
        const bulk = bulkRequestOf(body);
        if (body.dryRun === true) return preview(deps, caller.tenantId, user, bulk);
        return idempotentCreate(deps.idempotency, request, caller, scope, 'cancellationJobs', body, async () => {
            const now = deps.clock.now().toISOString();
            const job: BulkJob = {
                id: deps.newId(),
                tenantId: caller.tenantId,
                state: 'planning',
                request: bulk,
                userId: user.id,
                userPrincipalName: user.userPrincipalName,
                actor: actorOf(caller, basis),
                createdAt: now,
                updatedAt: now,
            };
            await deps.jobs.createJob(job);
            await deps.queue.send({ tenantId: job.tenantId, jobId: job.id }, 0);
            return {
                status: 202,
                headers: { Location: publicPath(`cancellationJobs/${encodeURIComponent(job.id)}`) },
                jsonBody: jobView(job),
            };
        });
    };
}

/** The job, if the caller may see it (an application: only its own); 404 otherwise, as for one that does not exist. */
async function requireJob(deps: CancellationJobsDeps, caller: Caller, id: string) {
    requireBulkCaller(caller, deps.policy);
    const stored = await deps.jobs.getJob(caller.tenantId, id);
    if (!stored || !maySeeJob(caller, stored.value))
        throw new NotFoundError(`Cancellation job '${id.slice(0, maxEchoedChars)}' was not found.`);
    return stored;
}

async function detailedView(deps: CancellationJobsDeps, job: BulkJob): Promise<CancellationJobView> {
    const counts = await deps.jobs.countItems(job.tenantId, job.id);
    return jobView(job, { counts, now: deps.clock.now(), pacing: deps.pacing });
}

/** `GET /api/cancellationJobs/{id}`: state, counts per action and outcome, times, the finish estimate. */
export function getCancellationJobHandler(
    deps: CancellationJobsDeps,
): RouteHandler<undefined, undefined, CancellationJobView> {
    return async ({ caller, params }) => {
        const stored = await requireJob(deps, caller, routeId(params.id));
        return { status: 200, jsonBody: await detailedView(deps, stored.value) };
    };
}

/** `GET /api/cancellationJobs`: the tenant's jobs, newest first. */
export function listCancellationJobsHandler(
    deps: CancellationJobsDeps,
): RouteHandler<undefined, undefined, CancellationJobList> {
    return async ({ caller }) => {
        requireBulkCaller(caller, deps.policy);
        const jobs = await deps.jobs.listJobs(caller.tenantId, listedJobs);
        const visible = jobs.filter((job) => maySeeJob(caller, job));
        return { status: 200, jsonBody: { value: visible.map((job) => jobView(job)) } };
    };
}

/** `GET /api/cancellationJobs/{id}/items?outcome=&$top=&$skiptoken=`: what became of each meeting. */
export function listCancellationJobItemsHandler(
    deps: CancellationJobsDeps,
): RouteHandler<undefined, CancellationJobItemsQuery, CancellationJobItemList> {
    return async ({ request, caller, params, query }) => {
        const job = (await requireJob(deps, caller, routeId(params.id))).value;
        const page = await deps.jobs.listItems({
            tenantId: job.tenantId,
            jobId: job.id,
            outcome: query.outcome as Parameters<BulkJobStore['listItems']>[0]['outcome'],
            pageSize: query.$top ?? defaultItemsPageSize,
            continuationToken: query.$skiptoken,
        });
        return {
            status: 200,
            jsonBody: {
                value: page.items.map(
                    ({ tenantId: _tenant, jobId: _job, claimedAt: _claimed, finishedAt, ...item }) => ({
                        ...item,
                        ...(finishedAt ? { finishedDateTime: finishedAt } : {}),
                    }),
                ),
                ...nextLink(request, page.continuationToken),
            },
        };
    };
}

/** `POST /api/cancellationJobs/{id}/stop`: no new meeting is started; the one in flight finishes. */
export function stopCancellationJobHandler(
    deps: CancellationJobsDeps,
): RouteHandler<Record<string, never>, undefined, CancellationJobView> {
    return async ({ caller, params }) => {
        const id = routeId(params.id);
        // The worker changes the job between meetings; a few tries always find a moment between its writes.
        for (let attempt = 0; ; attempt += 1) {
            const stored = await requireJob(deps, caller, id);
            if (isFinal(stored.value.state)) return { status: 200, jsonBody: await detailedView(deps, stored.value) };
            const now = deps.clock.now().toISOString();
            try {
                const stopped = await deps.jobs.updateJob(
                    owing(
                        { ...stored.value, state: 'stopped', finishedAt: now, updatedAt: now },
                        { type: 'cancellationJob.completed', occurredAt: now },
                    ),
                    stored.etag,
                );
                // Sent before the answer (two Storage calls); one that fails stays owed for reconciliation's timer.
                const announced = await sendOwedJobEvents(stopped, deps.events);
                return { status: 200, jsonBody: await detailedView(deps, announced.value) };
            } catch (error) {
                if (!(error instanceof ConcurrencyConflict)) throw error;
                if (attempt >= 4) {
                    throw new AppError(409, 'conflict', 'The job is changing; try again.', {
                        headers: { 'Retry-After': '1' },
                    });
                }
            }
        }
    };
}
