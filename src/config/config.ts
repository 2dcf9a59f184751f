import { ConfigError } from '../errors/configError';
import type { TenantPolicy } from '../domain/access/tenantPolicy';
import { identityStorageSchema, type Settings, settingsSchema } from './schema';

/** How the app reaches its storage account: a connection string (Azurite, keys) or a managed identity. */
export type StorageSettings =
    | { readonly kind: 'connectionString'; readonly connectionString: string }
    | {
          readonly kind: 'identity';
          readonly tableServiceUri: string;
          readonly queueServiceUri: string;
          readonly clientId: string | undefined;
      };

export interface GatewayConfig {
    readonly environment: Settings['GATEWAY_ENVIRONMENT'];
    readonly storage: StorageSettings;
    readonly tenantId: string;
    readonly api: { readonly clientId: string; readonly appIdUri: string };
    readonly auth: { readonly authorityHost: string; readonly v1IssuerHost: string; readonly clockSkewSeconds: number };
    readonly graph: {
        readonly baseUrl: string;
        readonly credential: Settings['GRAPH_CREDENTIAL'];
        readonly clientId: string;
        readonly clientSecret: string | undefined;
        readonly timeoutMs: number;
        readonly retryDeadlineMs: number;
    };
    readonly directoryCacheTtlMs: number;
    readonly health: { readonly probeTimeoutMs: number; readonly cacheMs: number };
    readonly tenantPolicy: TenantPolicy;
    readonly cancellation: {
        readonly defaultBookingMessage: string;
        readonly verifyDelayMs: number;
        readonly pendingGraceMs: number;
    };
    readonly idempotency: { readonly retentionMs: number; readonly lockMs: number };
    readonly webhooks: {
        readonly allowLoopback: boolean;
        readonly timeoutMs: number;
        readonly dnsTimeoutMs: number;
        readonly maxResponseBytes: number;
        readonly secretGraceMs: number;
        readonly disableAfterFailingMs: number;
        readonly retryScheduleMs: readonly number[];
        readonly deliveryRetentionMs: number;
        readonly notificationRedriveDelaysMs: readonly number[];
    };
    readonly reconcile: {
        readonly schedule: string;
        readonly runOnStartup: boolean;
        readonly budgetMs: number;
        readonly maxCancelAttempts: number;
        /** `$batch` lookups in flight over all mailboxes (one per mailbox at most, whatever this says). */
        readonly maxBatchesInFlight: number;
        readonly retryDelaysMs: readonly number[];
    };
    /** The feed of outside cancellations: Graph subscriptions on watched mailboxes (issue 18). */
    readonly feed: {
        /** The gateway's origin as Graph reaches it; absent: the Outlook feed is off. */
        readonly notificationBaseUrl: string | undefined;
        readonly subscriptionLifetimeMs: number;
        readonly renewalSchedule: string;
        readonly windowDays: number;
        /** The Bookings poll's window ahead (docs/feed.md). */
        readonly bookingsWindowMs: number;
    };
    /** Bulk cancellation jobs' sending budget per mailbox. */
    readonly bulk: {
        readonly messagesPerMinute: number;
        readonly recipientsPerDay: number;
        /** At most this many of a tenant's jobs make Graph writes at once. */
        readonly maxRunningJobs: number;
    };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
    for (const child of Object.values(value)) {
        if (child && typeof child === 'object') deepFreeze(child as object);
    }
    return Object.freeze(value);
}

/** The storage connection from either form, or the problem to report. */
function storageSettings(env: Record<string, string | undefined>): StorageSettings | string {
    const connectionString = env.AzureWebJobsStorage;
    if (connectionString) return { kind: 'connectionString', connectionString };
    const identity = identityStorageSchema.safeParse(env);
    if (identity.success) {
        return {
            kind: 'identity',
            tableServiceUri: identity.data.AzureWebJobsStorage__tableServiceUri,
            queueServiceUri: identity.data.AzureWebJobsStorage__queueServiceUri,
            clientId: identity.data.AzureWebJobsStorage__clientId,
        };
    }
    return 'AzureWebJobsStorage: set a connection string, or the identity-based AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__queueServiceUri (https)';
}

/**
 * Parses the app settings once into a frozen config. Throws a {@link ConfigError} that names every
 * missing or invalid setting, so the app refuses to start and says why.
 */
export function parseConfig(env: Record<string, string | undefined>): GatewayConfig {
    const parsed = settingsSchema.safeParse(env);
    const storage = storageSettings(env);
    const problems = [
        ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`)),
        ...(typeof storage === 'string' ? [storage] : []),
    ];
    if (!parsed.success || typeof storage === 'string') throw new ConfigError(problems);
    const s = parsed.data;
    return deepFreeze({
        environment: s.GATEWAY_ENVIRONMENT,
        storage,
        tenantId: s.GATEWAY_TENANT_ID,
        api: { clientId: s.GATEWAY_API_CLIENT_ID, appIdUri: s.GATEWAY_API_APP_ID_URI },
        auth: {
            authorityHost: s.AUTH_AUTHORITY_HOST,
            v1IssuerHost: s.AUTH_V1_ISSUER_HOST,
            clockSkewSeconds: s.AUTH_CLOCK_SKEW_SECONDS,
        },
        graph: {
            baseUrl: s.GRAPH_BASE_URL,
            credential: s.GRAPH_CREDENTIAL,
            clientId: s.GRAPH_CLIENT_ID,
            clientSecret: s.GRAPH_CLIENT_SECRET,
            timeoutMs: s.GRAPH_TIMEOUT_MS,
            retryDeadlineMs: s.GRAPH_RETRY_DEADLINE_MS,
        },
        directoryCacheTtlMs: s.DIRECTORY_CACHE_TTL_SECONDS * 1000,
        health: { probeTimeoutMs: s.HEALTH_PROBE_TIMEOUT_MS, cacheMs: s.HEALTH_CACHE_MS },
        tenantPolicy: s.TENANT_POLICY,
        cancellation: {
            defaultBookingMessage: s.BOOKING_DEFAULT_CANCELLATION_MESSAGE,
            verifyDelayMs: s.CANCEL_VERIFY_DELAY_SECONDS * 1000,
            pendingGraceMs: s.CANCEL_PENDING_GRACE_SECONDS * 1000,
        },
        idempotency: {
            retentionMs: s.IDEMPOTENCY_RETENTION_HOURS * 3_600_000,
            lockMs: s.IDEMPOTENCY_LOCK_SECONDS * 1000,
        },
        webhooks: {
            allowLoopback: s.WEBHOOK_ALLOW_LOOPBACK,
            timeoutMs: s.WEBHOOK_TIMEOUT_MS,
            dnsTimeoutMs: s.WEBHOOK_DNS_TIMEOUT_MS,
            maxResponseBytes: s.WEBHOOK_MAX_RESPONSE_BYTES,
            secretGraceMs: s.WEBHOOK_SECRET_GRACE_HOURS * 3_600_000,
            disableAfterFailingMs: s.WEBHOOK_DISABLE_AFTER_FAILING_DAYS * 86_400_000,
            retryScheduleMs: s.WEBHOOK_RETRY_SCHEDULE_SECONDS,
            deliveryRetentionMs: s.DELIVERY_RETENTION_DAYS * 86_400_000,
            notificationRedriveDelaysMs: s.NOTIFICATION_REDRIVE_DELAYS_SECONDS,
        },
        reconcile: {
            schedule: s.RECONCILE_SCHEDULE,
            runOnStartup: s.RECONCILE_RUN_ON_STARTUP,
            budgetMs: s.RECONCILE_BUDGET_SECONDS * 1000,
            maxCancelAttempts: s.RECONCILE_MAX_CANCEL_ATTEMPTS,
            maxBatchesInFlight: s.RECONCILE_MAX_BATCHES_IN_FLIGHT,
            retryDelaysMs: s.RECONCILE_RETRY_DELAYS_SECONDS,
        },
        feed: {
            notificationBaseUrl: s.FEED_NOTIFICATION_BASE_URL,
            subscriptionLifetimeMs: s.FEED_SUBSCRIPTION_LIFETIME_MINUTES * 60_000,
            renewalSchedule: s.FEED_RENEWAL_SCHEDULE,
            windowDays: s.FEED_WINDOW_DAYS,
            bookingsWindowMs: s.FEED_BOOKINGS_WINDOW_DAYS * 86_400_000,
        },
        bulk: {
            messagesPerMinute: s.BULK_MESSAGES_PER_MINUTE,
            recipientsPerDay: s.BULK_RECIPIENTS_PER_DAY,
            maxRunningJobs: s.BULK_MAX_RUNNING_JOBS,
        },
    });
}
