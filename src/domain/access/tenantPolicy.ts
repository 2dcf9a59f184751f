import * as z from 'zod/mini';
import '../shared/zodMini';

/** Grants every mailbox, group or business of the tenant, in an application entry only. */
export const ANY = '*';

// zod/mini, as for the settings (src/config/schema.ts): the policy is parsed with them when the app loads.
const trimmedRef = (message: string) => z.string().check(z.trim(), z.minLength(1, message));
const principalRef = trimmedRef('must be a user object id or UPN');
const targetRef = trimmedRef('must be an object id, a UPN or "*"');
const businessRef = trimmedRef('must be a booking business id or "*"');

const noWildcard = (message: string) => z.refine<string[]>((list) => !list.includes(ANY), message);
const listOr = <T extends z.ZodMiniType>(item: T) => z._default(z.array(item), []);

const delegateSchema = z.strictObject({
    /** The user who may act, by UPN or object id. */
    user: principalRef,
    /** Mailboxes (users, by UPN or object id) where that user may cancel. A delegate must name them. */
    mailboxes: z.array(principalRef).check(z.minLength(1), noWildcard('"*" is not allowed for a delegate')),
});

const applicationSchema = z.strictObject({
    /** The client application's id (`azp`/`appid` of its app-only tokens). */
    appId: z.guid('must be an application (client) id GUID'),
    /** For the startup log and people only. */
    displayName: z.optional(z.string()),
    mailboxes: listOr(targetRef),
    groups: listOr(targetRef),
    bookingBusinesses: listOr(businessRef),
    /**
     * Mailboxes (UPN or object id) whose bulk cancellation jobs this application may create, preview, read and stop
     * (issue 17); named one by one, never "*" (that is the administrator role's reach).
     */
    bulk: z._default(z.array(principalRef).check(noWildcard('"*" is not allowed for bulk; name the mailboxes')), []),
});

const bookingSchema = z.strictObject({
    businessId: trimmedRef('must be a booking business id'),
    /** Users (UPN or object id) who may cancel in the business without being its staff. */
    users: z.array(principalRef).check(z.minLength(1), noWildcard('"*" is not allowed; name the users')),
});

/**
 * The tenant policy: who may act beyond their own mailbox. Unknown keys are errors (a typo must not
 * silently grant or withhold access). `{}` is valid and grants nothing beyond the defaults.
 */
export const tenantPolicySchema = z
    .strictObject({
        delegates: listOr(delegateSchema),
        applications: listOr(applicationSchema),
        bookings: listOr(bookingSchema),
        /**
         * What the feed of outside cancellations watches (issue 18): users' mailboxes (UPN or object id, or "*" for
         * every user of the tenant), groups whose members' mailboxes are watched, and booking businesses.
         */
        watch: z._default(
            z.strictObject({
                mailboxes: listOr(targetRef),
                groups: z._default(
                    z.array(targetRef).check(noWildcard('"*" is not allowed; use mailboxes: ["*"]')),
                    [],
                ),
                bookingBusinesses: listOr(businessRef),
            }),
            { mailboxes: [], groups: [], bookingBusinesses: [] },
        ),
        reconciliation: z._default(
            z.strictObject({
                /** Re-cancel what reconciliation finds un-cancelled, rather than only reporting it. */
                repairDrift: z._default(z.boolean(), false),
            }),
            { repairDrift: false },
        ),
    })
    .check(
        z.superRefine((policy, context) => {
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
        }),
    );

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
