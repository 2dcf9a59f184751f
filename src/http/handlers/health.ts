import type { TokenValidator } from '../../auth/tokenValidator';
import type { HealthReport } from '../../health/checkHealth';
import type { RouteHandler } from '../routes/contract';
import type { HealthView } from '../schemas';

export interface HealthDeps {
    readonly tokens: TokenValidator;
    /** The (cached) report of every dependency. */
    readonly health: () => Promise<HealthReport>;
}

/** Drops each probe's reason (credential or network error text) and timing: what anonymous callers see. */
function withoutDetail(report: HealthReport): HealthView {
    const checks = Object.fromEntries(Object.entries(report.checks).map(([name, { status }]) => [name, { status }]));
    return { status: report.status, checks };
}

/**
 * `GET /api/health`: 200 when storage and Graph answer, 503 naming the one that did not. Anonymous callers (load
 * balancers, uptime checks) get the status only; any valid token of the tenant for this API also gets each probe's
 * duration and reason. A token that is sent must be valid (401 otherwise, as on every route).
 */
export function healthHandler(deps: HealthDeps): RouteHandler<undefined, undefined, HealthView, undefined> {
    return async ({ request }) => {
        const authorization = request.headers.get('authorization');
        if (authorization !== null) await deps.tokens.authenticate(authorization);
        const report = await deps.health();
        return {
            status: report.status === 'healthy' ? 200 : 503,
            headers: { 'Cache-Control': 'no-store' },
            jsonBody: authorization === null ? withoutDetail(report) : report,
        };
    };
}
