import * as z from 'zod/mini';
import '../domain/shared/zodMini';
import { defaultDnsTimeoutMs } from '../adapters/webhooks/dnsTimeout';
import { parseTenantPolicy } from '../domain/access/tenantPolicy';
import { defaultMaxBatchesInFlight } from '../domain/reconciliation/graphLookups';
import { cancelRetryDelaysMs } from '../domain/reconciliation/cancelRetryDelays';
import { retryScheduleMs } from '../domain/webhooks/delivery';
import { notificationRedriveDelaysMs } from '../domain/webhooks/poison';
import {
    customHostProblem,
    entraAuthorityHosts,
    graphHosts,
    type HostRule,
    productionOriginProblem,
} from './cloudHosts';

// The settings are parsed when the app loads, before its first request, so they use zod/mini: a fraction of `zod`'s
// load and construction time (docs/architecture.md, "Cold start").

/** Reports a problem from a transform (zod/mini's transform context has no `addIssue`: the issue is pushed). */
const problem = (ctx: z.core.ParsePayload, message: string): never => {
    ctx.issues.push({ code: 'custom', message, input: ctx.value });
    return z.NEVER;
};
/** The setting's description, for docs/settings.md (registered without cloning the schema, as `.describe()` would). */
const described = <T extends z.ZodMiniType>(schema: T, description: string): T => {
    z.globalRegistry.add(schema, { description });
    return schema;
};

/** A whole number (the setting's text coerced), within the bounds' checks, `fallback` when absent. */
const wholeNumber = (fallback: number, ...bounds: z.core.$ZodCheck<number>[]) =>
    z._default(z.coerce.number().check(z.int(), ...bounds), fallback);
/** A six-field NCRONTAB expression (the host reads it as `%NAME%`), `fallback` when absent. */
const ncrontab = (fallback: string) =>
    z._default(z.string().check(z.regex(/^\S+( \S+){5}$/, 'must be a six-field NCRONTAB expression')), fallback);
/** `true` or `false`, off when absent. */
const switchedOff = () =>
    z.pipe(
        z._default(z.enum(['true', 'false']), 'false'),
        z.transform((value) => value === 'true'),
    );
const seconds = (fallback: number) => wholeNumber(fallback, z.nonnegative());
const milliseconds = (fallback: number) => wholeNumber(fallback, z.positive());
/** A default in the settings' own form: `[60_000, 300_000]` → `'60,300'`, so the domain's constant is the only source. */
const asSecondsList = (delaysMs: readonly number[]): string => delaysMs.map((ms) => ms / 1000).join(',');

/**
 * A comma-separated list of delays in seconds (fractions allowed, so tests and the chaos run can go fast), parsed to
 * whole milliseconds.
 */
export const secondsList = (fallback: string, minEntries: number, maxEntries: number) =>
    z.pipe(
        z._default(z.string(), fallback),
        z.transform((text, ctx) => {
            const parts = text.split(',').map((part) => part.trim());
            const delaysMs = parts.map((part) => (/^\d+(\.\d+)?$/.test(part) ? Math.round(Number(part) * 1000) : NaN));
            if (delaysMs.some((ms) => !Number.isFinite(ms))) {
                return problem(ctx, 'must be a comma-separated list of non-negative seconds');
            }
            if (delaysMs.length < minEntries || delaysMs.length > maxEntries) {
                return problem(ctx, `must list ${minEntries} to ${maxEntries} delays`);
            }
            return delaysMs;
        }),
    );
const origin = (fallback: string, httpsOnly = false) =>
    z.pipe(
        z._default(
            z.url(httpsOnly ? { protocol: /^https$/, error: 'must be an https URL' } : { protocol: /^https?$/ }),
            fallback,
        ),
        z.transform((value) => value.replace(/\/+$/, '')),
    );

/** Which hosts each origin setting may name in production (see {@link productionOriginProblem}). */
const productionHostRules = {
    AUTH_AUTHORITY_HOST: { kind: 'an Entra ID authority host', known: entraAuthorityHosts },
    // Only compared with the tokens' `iss`: nothing is sent there, so any public host will do.
    AUTH_V1_ISSUER_HOST: { known: [] },
    GRAPH_BASE_URL: { kind: 'a Microsoft Graph host', known: graphHosts },
} as const satisfies Record<string, HostRule>;

/**
 * Every app setting the gateway reads, by its environment-variable name. `local.settings.sample.json`
 * carries each one with a local value; infra (Bicep) sets the same names in Azure.
 */
export const settingsSchema = z
    .object({
        AzureWebJobsStorage: described(
            z.optional(z.string().check(z.minLength(1))),
            'Storage account for records, idempotency keys, subscriptions and queues, as a connection string (locally: Azurite). In Azure it is absent and the identity-based `AzureWebJobsStorage__*` settings are used instead.',
        ),
        GATEWAY_ENVIRONMENT: described(
            z._default(z.enum(['development', 'production']), 'production'),
            "`development` trusts the local emulator's tokens and loopback webhook targets; `production` refuses both.",
        ),
        GATEWAY_TENANT_ID: described(z.guid(), 'The one Entra ID tenant this deployment serves.'),
        GATEWAY_API_CLIENT_ID: described(
            z.guid(),
            "Client id of the gateway's API app registration (the `aud` of v2 tokens).",
        ),
        GATEWAY_API_APP_ID_URI: described(
            z.string().check(z.minLength(1)),
            'Application ID URI of the same registration (the `aud` of v1 tokens), e.g. `api://cancel-gateway`.',
        ),
        AUTH_AUTHORITY_HOST: described(
            origin('https://login.microsoftonline.com'),
            'Entra ID authority host: token issuer (v2) and OIDC metadata, and where the Graph credential gets tokens.',
        ),
        AUTH_V1_ISSUER_HOST: described(
            origin('https://sts.windows.net'),
            'Host of v1 token issuers (`https://sts.windows.net/{tid}/`).',
        ),
        AUTH_CLOCK_SKEW_SECONDS: described(
            seconds(60),
            "Leeway for a token's `exp` and `nbf` against this host's clock, in seconds.",
        ),
        GRAPH_BASE_URL: described(
            origin('https://graph.microsoft.com', true),
            "Graph root; `/v1.0` and `/beta` are appended. https only, also locally (the emulator's TLS address): the Graph SDK sends its token to https hosts only.",
        ),
        CUSTOM_CLOUD_HOSTS: described(
            z.pipe(
                z._default(z.string(), ''),
                z.transform((text, ctx) => {
                    const hosts = text
                        .split(',')
                        .map((host) => host.trim().toLowerCase())
                        .filter((host) => host !== '');
                    for (const host of hosts) {
                        const hostProblem = customHostProblem(host);
                        if (hostProblem !== undefined) problem(ctx, hostProblem);
                    }
                    return hosts;
                }),
            ),
            "Production accepts only the national clouds' Entra ID and Graph hosts as AUTH_AUTHORITY_HOST and GRAPH_BASE_URL; this comma-separated list of host names (e.g. a sovereign cloud's) adds others. Addresses that are not public (loopback, private, link-local…) are refused even here.",
        ),
        GRAPH_CREDENTIAL: described(
            z._default(z.enum(['managedIdentity', 'clientSecret']), 'managedIdentity'),
            '`managedIdentity` in Azure; `clientSecret` where a secret is configured (locally: the emulator).',
        ),
        GRAPH_CLIENT_ID: described(
            z.guid(),
            'Client id of the app the gateway calls Graph as (user-assigned identity or app registration).',
        ),
        GRAPH_CLIENT_SECRET: described(
            z.optional(z.string().check(z.minLength(1))),
            'Client secret of GRAPH_CLIENT_ID; required with `GRAPH_CREDENTIAL=clientSecret`. In Azure a Key Vault reference.',
        ),
        GRAPH_TIMEOUT_MS: described(milliseconds(10_000), 'One Graph call gives up after this long.'),
        GRAPH_RETRY_DEADLINE_MS: described(
            milliseconds(20_000),
            'Throttled Graph calls (429/503) are retried within this budget, then the caller gets 503 + Retry-After.',
        ),
        DIRECTORY_CACHE_TTL_SECONDS: described(
            seconds(60),
            'Group membership and Bookings staff answers are cached this long.',
        ),
        HEALTH_PROBE_TIMEOUT_MS: described(
            milliseconds(3_000),
            'Each `/api/health` probe (storage, Graph) gives up after this long.',
        ),
        HEALTH_CACHE_MS: described(
            wholeNumber(5_000, z.nonnegative()),
            '`/api/health` probes storage and Graph at most once in this window (concurrent callers share one probe), so a flood of the anonymous endpoint cannot spend the Graph quota.',
        ),
        TENANT_POLICY: described(
            z.pipe(
                z._default(z.string(), '{}'),
                z.transform((json, ctx) => {
                    const parsed = parseTenantPolicy(json);
                    if (parsed.ok) return parsed.policy;
                    for (const policyProblem of parsed.problems) problem(ctx, policyProblem);
                    return z.NEVER;
                }),
            ),
            'The tenant policy document (JSON): delegates, application access, Bookings users, drift repair.',
        ),
        BOOKING_DEFAULT_CANCELLATION_MESSAGE: described(
            z._default(z.string().check(z.trim(), z.minLength(1)), 'Your appointment has been cancelled.'),
            'Sent to Graph when a booking cancel gives no `cancellationMessage` (Graph wants one; customers read it).',
        ),
        CANCEL_VERIFY_DELAY_SECONDS: described(
            seconds(300),
            'Delay before reconciliation first re-verifies an accepted cancellation.',
        ),
        CANCEL_PENDING_GRACE_SECONDS: described(
            seconds(600),
            'How long a `pending` record is left to its HTTP request before reconciliation finishes it.',
        ),
        IDEMPOTENCY_RETENTION_HOURS: described(
            wholeNumber(24, z.gte(24)),
            'How long `Idempotency-Key`s are kept and replayed (at least 24 h).',
        ),
        IDEMPOTENCY_LOCK_SECONDS: described(
            seconds(120),
            'After this long an in-flight key left by a crashed request may be taken over.',
        ),
        WEBHOOK_ALLOW_LOOPBACK: described(
            switchedOff(),
            'Development only: lets webhooks target http and loopback addresses (a local receiver).',
        ),
        WEBHOOK_TIMEOUT_MS: described(
            milliseconds(15_000),
            'A delivery succeeds on a 2xx within this time (Standard Webhooks: 15–30 s).',
        ),
        WEBHOOK_DNS_TIMEOUT_MS: described(
            milliseconds(defaultDnsTimeoutMs),
            "A webhook host name that has not resolved by then is refused at registration (400) and fails the delivery attempt (retried). Lookups go to DNS directly (c-ares), not through the worker's small thread pool.",
        ),
        WEBHOOK_MAX_RESPONSE_BYTES: described(
            wholeNumber(64 * 1024, z.positive()),
            "How much of an endpoint's answer is read; the rest is discarded.",
        ),
        WEBHOOK_SECRET_GRACE_HOURS: described(
            wholeNumber(24, z.nonnegative()),
            'After a secret rotation the old secret still signs (a second signature) this long.',
        ),
        WEBHOOK_RETRY_SCHEDULE_SECONDS: described(
            secondsList(asSecondsList(retryScheduleMs), 1, 100),
            "When each delivery attempt is made, counted from the previous one (the first entry is the first attempt); its length is the number of attempts before a delivery is parked as `failed`. Default: Svix's schedule.",
        ),
        DELIVERY_RETENTION_DAYS: described(
            wholeNumber(30, z.positive()),
            'Webhook deliveries are kept this long after they were created, then purged by the hourly timer.',
        ),
        NOTIFICATION_REDRIVE_DELAYS_SECONDS: described(
            secondsList(asSecondsList(notificationRedriveDelaysMs), 1, 20),
            'Delays before each re-send of a notification whose fan-out failed every try and was poisoned; its length is how often it is re-sent before it stays parked for an operator (`GET /api/parkedNotifications`).',
        ),
        WEBHOOK_DISABLE_AFTER_FAILING_DAYS: described(
            wholeNumber(5, z.positive()),
            'An endpoint that fails every delivery this long is disabled.',
        ),
        RECONCILE_SCHEDULE: described(
            ncrontab('0 */5 * * * *'),
            'Six-field NCRONTAB (UTC) of the reconciliation timer; read by the host as `%RECONCILE_SCHEDULE%`.',
        ),
        RECONCILE_RUN_ON_STARTUP: described(
            switchedOff(),
            'Run a pass when the host starts; never in production (it fires on every scale-out and restart).',
        ),
        RECONCILE_BUDGET_SECONDS: described(
            wholeNumber(240, z.positive()),
            'A pass stops starting work this long after it began and resumes on the next tick.',
        ),
        RECONCILE_MAX_BATCHES_IN_FLIGHT: described(
            wholeNumber(defaultMaxBatchesInFlight, z.gte(1), z.lte(1_000)),
            "Reconciliation's `$batch` lookups in flight over all mailboxes (each mailbox has at most one, so it stays within Outlook's 4 concurrent requests); lower it only to slow a pass down tenant-wide.",
        ),
        RECONCILE_MAX_CANCEL_ATTEMPTS: described(
            wholeNumber(3, z.positive()),
            'Cancel attempts for an unfinished (`pending`) cancellation before it is `failed`.',
        ),
        RECONCILE_RETRY_DELAYS_SECONDS: described(
            secondsList(asSecondsList(cancelRetryDelaysMs), 1, 20),
            "Backoff before reconciliation's next cancel attempt of an unfinished or drifted item (the last repeats).",
        ),
        BULK_MESSAGES_PER_MINUTE: described(
            wholeNumber(30, z.gte(1), z.lte(600)),
            "Bulk cancellation jobs make at most this many Graph writes (cancels, declines, series ends: each a message sent from the mailbox) per mailbox in any minute; Exchange Online's per-mailbox message rate is 30.",
        ),
        BULK_RECIPIENTS_PER_DAY: described(
            wholeNumber(10_000, z.gte(1), z.lte(100_000)),
            "Bulk cancellation jobs send to at most this many recipients per mailbox in any 24 hours (Exchange Online's recipient rate limit); a job that spends it is paused until the budget allows more.",
        ),
        BULK_MAX_RUNNING_JOBS: described(
            wholeNumber(40, z.gte(1), z.lte(1000)),
            "At most this many of a tenant's bulk cancellation jobs make Graph writes at once (oldest first); a job beyond it stays `running` with `pausedReason` `tenantLimit` and starts by itself when a slot frees. Keeps the tenant's table partitions under ~60 % of their target in an offboarding wave (docs/scale.md).",
        ),
        // Feed of outside cancellations (issue 18): Graph subscriptions, their renewal and delta catch-up.
        FEED_NOTIFICATION_BASE_URL: described(
            z.pipe(
                z._default(z.string().check(z.trim()), ''),
                z.transform((text, ctx) => {
                    if (text === '') return undefined;
                    if (!/^https?:\/\/[^/]+/i.test(text) || !URL.canParse(text)) {
                        return problem(ctx, 'must be an https URL (the gateway as Graph reaches it)');
                    }
                    return text.replace(/\/+$/, '');
                }),
            ),
            "The gateway's public origin as Graph reaches it, e.g. `https://cancel-gateway.azurewebsites.net`: Graph posts change notifications to `/api/graph/notifications` and lifecycle notifications to `/api/graph/lifecycle` below it. Empty: the feed of Outlook cancellations is off (as it is while the tenant policy's `watch` names no mailbox or group).",
        ),
        FEED_SUBSCRIPTION_LIFETIME_MINUTES: described(
            wholeNumber(4_230, z.gte(60), z.lte(10_080)),
            "How long each Graph subscription on a watched mailbox's events is asked to live (Graph's limit for Outlook events: 10,080 minutes, older pages say 4,230). The renewal timer renews it once less than half of this is left.",
        ),
        FEED_RENEWAL_SCHEDULE: described(
            ncrontab('0 */15 * * * *'),
            'Six-field NCRONTAB (UTC) of the feed timer that creates, renews and deletes Graph subscriptions as the watched mailboxes change; read by the host as `%FEED_RENEWAL_SCHEDULE%`.',
        ),
        FEED_WINDOW_DAYS: described(
            wholeNumber(90, z.gte(1), z.lte(730)),
            "Days ahead a `missed` lifecycle notification's delta catch-up looks (the mailbox's calendar view from one day back to this many days ahead).",
        ),
        // ---- The feed: Bookings poll (issue 18, docs/feed.md) ----
        FEED_BOOKINGS_SCHEDULE: described(
            ncrontab('0 */5 * * * *'),
            "Six-field NCRONTAB (UTC) of the Bookings poll, which compares each watched business's calendar view with its last snapshot; read by the host as `%FEED_BOOKINGS_SCHEDULE%`.",
        ),
        FEED_BOOKINGS_WINDOW_DAYS: described(
            wholeNumber(90, z.gte(1), z.lte(365)),
            'Days ahead the Bookings poll reads (its calendar view is [now, now + this]); an appointment that leaves the window is checked, not reported.',
        ),
    })
    .check(
        z.superRefine((settings, ctx) => {
            if (settings.GRAPH_CREDENTIAL === 'clientSecret' && !settings.GRAPH_CLIENT_SECRET) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['GRAPH_CLIENT_SECRET'],
                    message: 'is required when GRAPH_CREDENTIAL is clientSecret',
                });
            }
            // A request makes two Graph calls, each within its timeout plus the retry deadline; a shorter lock would let a
            // retry with the same Idempotency-Key take over a request that is still running, and both would run.
            const longestRequestMs = 2 * (settings.GRAPH_TIMEOUT_MS + settings.GRAPH_RETRY_DEADLINE_MS);
            if (settings.IDEMPOTENCY_LOCK_SECONDS * 1000 < longestRequestMs) {
                ctx.addIssue({
                    code: 'custom',
                    path: ['IDEMPOTENCY_LOCK_SECONDS'],
                    message: `must be at least ${Math.ceil(longestRequestMs / 1000)} (2 × (GRAPH_TIMEOUT_MS + GRAPH_RETRY_DEADLINE_MS)): the longest a request can run`,
                });
            }
            if (settings.GATEWAY_ENVIRONMENT === 'production') {
                if (settings.RECONCILE_RUN_ON_STARTUP) {
                    ctx.addIssue({
                        code: 'custom',
                        path: ['RECONCILE_RUN_ON_STARTUP'],
                        message: 'must be false in production: it runs on every host start and scale-out',
                    });
                }
                if (settings.FEED_NOTIFICATION_BASE_URL?.startsWith('http:')) {
                    ctx.addIssue({
                        code: 'custom',
                        path: ['FEED_NOTIFICATION_BASE_URL'],
                        message: 'must be https in production: Graph posts notifications to https endpoints only',
                    });
                }
                if (settings.WEBHOOK_ALLOW_LOOPBACK) {
                    ctx.addIssue({
                        code: 'custom',
                        path: ['WEBHOOK_ALLOW_LOOPBACK'],
                        message: 'must be false in production: webhooks go to public https endpoints only',
                    });
                }
                for (const [name, rule] of Object.entries(productionHostRules)) {
                    const problem = productionOriginProblem(
                        settings[name as keyof typeof productionHostRules],
                        rule,
                        settings.CUSTOM_CLOUD_HOSTS,
                    );
                    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: problem });
                }
            }
        }),
    );

export type Settings = z.infer<typeof settingsSchema>;

/**
 * The identity-based form of the `AzureWebJobsStorage` connection, as the Functions host reads it (shared keys
 * disabled): service URIs and the user-assigned identity's client id.
 */
export const identityStorageSchema = z.object({
    AzureWebJobsStorage__tableServiceUri: z.url({ protocol: /^https$/ }),
    AzureWebJobsStorage__queueServiceUri: z.url({ protocol: /^https$/ }),
    AzureWebJobsStorage__clientId: z.optional(z.guid()),
});
