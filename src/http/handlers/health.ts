import { checkHealth, type HealthProbe } from '../../health/checkHealth';
import { type EdgeHandler, handle } from '../handle';

/** `GET /api/health`: 200 when storage and Graph answer, 503 naming the one that did not. */
export function healthHandler(probes: readonly HealthProbe[], probeTimeoutMs: number): EdgeHandler {
    return handle(async () => {
        const report = await checkHealth(probes, probeTimeoutMs);
        return {
            status: report.status === 'healthy' ? 200 : 503,
            headers: { 'Cache-Control': 'no-store' },
            jsonBody: report,
        };
    });
}
