import * as path from 'node:path';
import { devDir } from '../dev/paths';
import { chaosAppId } from './gatewayClient';

/** How long the dev host keeps a message it is processing hidden: also how long a killed host's messages stay lost. */
const processingVisibilitySeconds = 8;

/**
 * App settings for the host child: the chaos stack's endpoints, and every delay shortened so that what the product
 * would finish over minutes (verification, pending grace, delivery retries, reconciliation backoff, a crashed
 * request's idempotency lock) finishes within the run. The logic is the same, only the clock is faster.
 */
export function chaosHostEnv(storageConnectionString: string, emulatorTlsUrl: string): Record<string, string> {
    return {
        NODE_EXTRA_CA_CERTS: path.join(devDir(), 'ca.pem'),
        AzureWebJobsStorage: storageConnectionString,
        AUTH_AUTHORITY_HOST: emulatorTlsUrl,
        AUTH_V1_ISSUER_HOST: emulatorTlsUrl,
        GRAPH_BASE_URL: emulatorTlsUrl,
        GATEWAY_ENVIRONMENT: 'development',
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        TENANT_POLICY: JSON.stringify({
            applications: [
                {
                    appId: chaosAppId,
                    displayName: 'Chaos run',
                    mailboxes: ['*'],
                    groups: ['*'],
                    bookingBusinesses: ['*'],
                },
            ],
            reconciliation: { repairDrift: true },
        }),
        GRAPH_TIMEOUT_MS: '3000',
        GRAPH_RETRY_DEADLINE_MS: '3000',
        CANCEL_VERIFY_DELAY_SECONDS: '1',
        CANCEL_PENDING_GRACE_SECONDS: '5',
        // Longer than any one request can run (two Graph calls, each within timeout + retry deadline), as in
        // production (120 s against 2 × 30 s): a shorter lock lets a retry take over a request still running.
        IDEMPOTENCY_LOCK_SECONDS: '15',
        WEBHOOK_TIMEOUT_MS: '5000',
        // Twelve attempts, about 15 s in all: at a 30 % failure rate a delivery fails them all once in two million.
        WEBHOOK_RETRY_SCHEDULE_SECONDS: '0,0.2,0.5,1,1,1,2,2,2,2,2,2',
        RECONCILE_RETRY_DELAYS_SECONDS: '1,2,3',
        // The timer runs too, so its passes overlap the operator's (POST /api/reconcile) as they may in production.
        RECONCILE_SCHEDULE: '*/30 * * * * *',
        RECONCILE_BUDGET_SECONDS: '30',
        LOCAL_HOST_QUEUE_PROCESSING_VISIBILITY_SECONDS: String(processingVisibilitySeconds),
    };
}
