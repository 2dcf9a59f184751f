import type { Directory } from '../../domain/access/ports';
import type { BulkRequest } from '../../domain/bulk/bulkJob';
import { type DiscoverDeps, discoverPlan } from '../../domain/bulk/discover';
import { AppError, NotFoundError } from '../../errors/appError';
import type { RouteHandler } from '../routes/contract';
import type { CancellationJobCreateBody, CancellationJobPreview } from '../schemas';

/** The `Cancellations.Admin` app role is checked by the manifest; the mailbox is resolved through the directory. */
export interface CancellationJobsDeps {
    readonly directory: Directory;
    readonly discover: DiscoverDeps;
}

const maxEchoedChars = 128;

export function bulkRequestOf(body: CancellationJobCreateBody): BulkRequest {
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

/** `POST /api/cancellationJobs`: with `dryRun: true` the plan (200), nothing written. */
export function createCancellationJobHandler(
    deps: CancellationJobsDeps,
): RouteHandler<CancellationJobCreateBody, undefined, CancellationJobPreview> {
    return async ({ caller, body }) => {
        const user = await deps.directory.findUser(body.mailbox);
        if (user === null) {
            throw new NotFoundError(
                `The requested user '${body.mailbox.slice(0, maxEchoedChars)}' is invalid.`,
                'ErrorInvalidUser',
            );
        }
        const request = bulkRequestOf(body);
        if (body.dryRun !== true) {
            throw new AppError(501, 'notImplemented', 'Only the preview (dryRun: true) is available yet.');
        }
        const plan = await discoverPlan(deps.discover, { tenantId: caller.tenantId, userId: user.id }, request);
        return {
            status: 200,
            jsonBody: {
                mailbox: user.userPrincipalName,
                window: request.window,
                counts: plan.counts,
                meetings: plan.meetings.map((meeting) => ({ ...meeting })),
            },
        };
    };
}
