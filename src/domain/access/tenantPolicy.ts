import { z } from 'zod';

/** Grants every mailbox, group or business of the tenant, in an application entry only. */
export const ANY = '*';

const principalRef = z.string().trim().min(1, 'must be a user object id or UPN');
const targetRef = z.string().trim().min(1, 'must be an object id, a UPN or "*"');
const businessRef = z.string().trim().min(1, 'must be a booking business id or "*"');

const noWildcard = (list: readonly string[]) => !list.includes(ANY);

const delegateSchema = z.strictObject({
    /** The user who may act, by UPN or object id. */
    user: principalRef,
    /** Mailboxes (users, by UPN or object id) where that user may cancel. A delegate must name them. */
    mailboxes: z.array(principalRef).min(1).refine(noWildcard, '"*" is not allowed for a delegate'),
});

const applicationSchema = z.strictObject({
    /** The client application's id (`azp`/`appid` of its app-only tokens). */
    appId: z.guid('must be an application (client) id GUID'),
    /** For the startup log and people only. */
    displayName: z.string().optional(),
    mailboxes: z.array(targetRef).default([]),
    groups: z.array(targetRef).default([]),
    bookingBusinesses: z.array(businessRef).default([]),
    /**
     * Mailboxes (UPN or object id) whose bulk cancellation jobs this application may create, preview, read and stop
     * (issue 17); named one by one, never "*" (that is the administrator role's reach).
     */
    bulk: z.array(principalRef).refine(noWildcard, '"*" is not allowed for bulk; name the mailboxes').default([]),
});

const bookingSchema = z.strictObject({
    businessId: z.string().trim().min(1, 'must be a booking business id'),
    /** Users (UPN or object id) who may cancel in the business without being its staff. */
    users: z.array(principalRef).min(1).refine(noWildcard, '"*" is not allowed; name the users'),
});

/**
 * The tenant policy: who may act beyond their own mailbox. Unknown keys are errors (a typo must not
 * silently grant or withhold access). `{}` is valid and grants nothing beyond the defaults.
 */
export const tenantPolicySchema = z
    .strictObject({
        delegates: z.array(delegateSchema).default([]),
        applications: z.array(applicationSchema).default([]),
        bookings: z.array(bookingSchema).default([]),
        /**
         * What the feed of outside cancellations watches (issue 18): users' mailboxes (UPN or object id, or "*" for
         * every user of the tenant), groups whose members' mailboxes are watched, and booking businesses.
         */
        watch: z
            .strictObject({
                mailboxes: z.array(targetRef).default([]),
                groups: z.array(targetRef).refine(noWildcard, '"*" is not allowed; use mailboxes: ["*"]').default([]),
                bookingBusinesses: z.array(businessRef).default([]),
            })
            .default({ mailboxes: [], groups: [], bookingBusinesses: [] }),
        reconciliation: z
            .strictObject({
                /** Re-cancel what reconciliation finds un-cancelled, rather than only reporting it. */
                repairDrift: z.boolean().default(false),
            })
            .default({ repairDrift: false }),
    })
    .superRefine((policy, context) => {
        const seen = new Map<string, number>();
        policy.applications.forEach((application, index) => {
            const key = application.appId.toLowerCase();
            const first = seen.get(key);
            if (first === undefined) {
                seen.set(key, index);
                return;
            }
            context.addIssue({
                code: 'custom',
                path: ['applications', index, 'appId'],
                message: `duplicates applications.${first}.appId; merge the two entries`,
            });
        });
    });

export type TenantPolicy = z.output<typeof tenantPolicySchema>;

export type TenantPolicyParseResult =
    { readonly ok: true; readonly policy: TenantPolicy } | { readonly ok: false; readonly problems: readonly string[] };

/** Validates an already-parsed policy value. Each problem reads `path: message`. */
export function validateTenantPolicy(value: unknown): TenantPolicyParseResult {
    const parsed = tenantPolicySchema.safeParse(value);
    if (parsed.success) return { ok: true, policy: parsed.data };
    return {
        ok: false,
        problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(policy)'}: ${issue.message}`),
    };
}

/** Parses the policy document (JSON text, e.g. from an app setting). */
export function parseTenantPolicy(json: string): TenantPolicyParseResult {
    let value: unknown;
    try {
        value = JSON.parse(json);
    } catch (error) {
        return { ok: false, problems: [`(policy): not valid JSON (${(error as Error).message})`] };
    }
    return validateTenantPolicy(value);
}

/** The policy that grants nothing beyond the defaults (own mailbox, group membership, staff role). */
export function emptyTenantPolicy(): TenantPolicy {
    return tenantPolicySchema.parse({});
}

/**
 * The first mailbox the policy names (a delegate's, or an application's other than `"*"`): one the gateway is
 * configured to act in, so the one to prove Graph's calendar permission on.
 */
export function firstNamedMailbox(policy: TenantPolicy): string | undefined {
    const named = [...policy.delegates, ...policy.applications].flatMap((entry) => entry.mailboxes);
    return named.find((mailbox) => mailbox !== ANY);
}
