import { ForbiddenError } from '../../errors/appError';
import type { Actor } from '../cancellation/record';
import { applicationGrantFor } from './applicationGrant';
import type { Caller } from './caller';
import { anyRefersTo, sameId } from './identityMatch';
import { isAdministrator, requireAdministrator } from './permissions';
import type { DirectoryUser } from './ports';
import type { TenantPolicy } from './tenantPolicy';

/** Why a caller may run bulk cancellation jobs: the administrator role, or a tenant-policy `bulk` grant of its app. */
export type BulkBasis = 'administrator' | 'application';

/** The `bulk` mailboxes the policy grants an app-only caller; none for a user or an app without such a grant. */
function bulkGrantOf(caller: Caller, policy: TenantPolicy): readonly string[] {
    if (caller.kind !== 'app') return [];
    return applicationGrantFor(caller, policy)?.bulk ?? [];
}

/**
 * Who may use the jobs routes at all: administrators, and app-only callers whose policy entry grants `bulk`
 * mailboxes. Anyone else gets the administrators' 403.
 */
export function requireBulkCaller(caller: Caller, policy: TenantPolicy): BulkBasis {
    if (isAdministrator(caller)) return 'administrator';
    if (bulkGrantOf(caller, policy).length > 0) return 'application';
    requireAdministrator(caller);
    return 'administrator';
}

/** May the caller run a job on this mailbox: administrators on any, an application on its `bulk` mailboxes only. */
export function requireBulkMailbox(
    caller: Caller,
    policy: TenantPolicy,
    user: Pick<DirectoryUser, 'id' | 'userPrincipalName'>,
): BulkBasis {
    if (isAdministrator(caller)) return 'administrator';
    if (anyRefersTo(bulkGrantOf(caller, policy), user)) return 'application';
    throw new ForbiddenError(
        'Access is denied. The tenant policy does not grant this application bulk cancellation in this mailbox.',
    );
}

/** Administrators see every job; an application only the jobs it started on its grant. */
export function maySeeJob(caller: Caller, job: { readonly actor: Actor }): boolean {
    if (isAdministrator(caller)) return true;
    return caller.kind === 'app' && job.actor.basis === 'application' && sameId(job.actor.appId, caller.appId);
}
