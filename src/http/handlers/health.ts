import type { TokenValidator } from '../../auth/tokenValidator';
import type { HealthReport } from '../../health/checkHealth';
import type { RouteHandler } from '../routes/contract';
import type { HealthView } from '../schemas';

export interface HealthDeps {
    readonly tokens: TokenValidator;
    /** The (cached) report of every dependency. */
    readonly health: () => Promise<HealthReport>;
}

/**
 * Drops each probe's reason (credential or network error text), timing and Graph's permission names: what anonymous
 * callers see.
 */
function withoutDetail(report: HealthReport): HealthView {
    const checks = Object.fromEntries(Object.entries(report.checks).map(([name, { status }]) => [name, { status }]));
    return { status: report.status, checks };
}

/**
 * `GET /api/health`: 200 when storage and Graph answer, 503 naming the one that did not. Graph answering but refusing
 * one of the gateway's permissions is `degraded` with 200: a missing grant is the tenant's configuration, which no
 * restart or other instance fixes, so a platform health check must not take instances out for it. Anonymous callers
 * (load balancers, uptime checks) get the statuses only; any valid token of the tenant for this API also gets each
 * probe's duration and reason, and Graph's permissions by name. A token that is sent must be valid (401 otherwise).
 */
export function healthHandler(deps: HealthDeps): RouteHandler<undefined, undefined, HealthView, undefined> {
    return async ({ request }) => {
        const authorization = request.headers.get('authorization');
        if (authorization !== null) await deps.tokens.authenticate(authorization);
        const report = await deps.health();
        return {
            status: report.status === 'unhealthy' ? 503 : 200,
            headers: { 'Cache-Control': 'no-store' },
            jsonBody: authorization === null ? withoutDetail(report) : report,
        };
    };
}
