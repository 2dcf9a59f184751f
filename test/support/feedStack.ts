import { devTenant } from '../../dev/identity/devTenant';
import type { LocalStack } from './stack';

/**
 * Settings of a local stack with the feed on: Graph's notifications come back through the host's HTTPS twin on
 * `httpsPort`, the renewal timer runs every 2 s, and the tenant policy watches `watch`.
 */
export function feedStackEnv(
    httpsPort: number,
    watch: Record<string, readonly string[]>,
    extra: Record<string, string> = {},
): Record<string, string> {
    return {
        FUNCTIONS_HTTPS_PORT: String(httpsPort),
        FEED_NOTIFICATION_BASE_URL: `https://localhost:${httpsPort}`,
        FEED_RENEWAL_SCHEDULE: '*/2 * * * * *',
        TENANT_POLICY: JSON.stringify({ watch }),
        ...extra,
    };
}

/** The records of cancellations made in Outlook, as an administrator lists them (`GET /api/cancellations`). */
export async function outlookRecords(stack: LocalStack): Promise<Record<string, unknown>[]> {
    const token = stack.token({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'] });
    const response = await fetch(`${stack.gatewayUrl}/api/cancellations?origin=outlook`, {
        headers: { Authorization: `Bearer ${token}` },
    });
    if (response.status !== 200) throw new Error(`GET /api/cancellations: ${response.status}`);
    return ((await response.json()) as { value: Record<string, unknown>[] }).value;
}
