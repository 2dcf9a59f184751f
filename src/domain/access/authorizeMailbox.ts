import { type Caller } from './caller';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../errors/appError';
import { type MailboxAccessDependencies } from './accessDependencies';
import { applicationGrantFor } from './applicationGrant';
import { callerDirectoryEntry } from './callerDirectoryEntry';
import { anyRefersTo, refersTo, sameId } from './identityMatch';
import { type DirectoryUser } from './ports';
import { ANY } from './tenantPolicy';

/** The mailbox a route names: `/me`, `/users/{id|upn}` or `/groups/{id}`. */
export type MailboxTarget =
    | { readonly kind: 'me' }
    | { readonly kind: 'user'; readonly idOrUpn: string }
    | { readonly kind: 'group'; readonly groupId: string };

/** Why access was granted; recorded on the cancellation's actor. */
export type MailboxAccessBasis = 'owner' | 'delegate' | 'groupMember' | 'application';

/** Whose mailbox it is, resolved through the directory, and on what basis the caller may act in it. */
export type AuthorizedMailbox =
    | {
          readonly kind: 'user';
          readonly userId: string;
          readonly userPrincipalName: string;
          readonly basis: MailboxAccessBasis;
      }
    | { readonly kind: 'group'; readonly groupId: string; readonly basis: MailboxAccessBasis };

/** Graph's own answer to `/me` with an app-only token. */
const ME_WITH_APP_TOKEN = '/me request is only valid with delegated authentication flow.';
/** Keeps a caller-supplied id from bloating an error message. */
const MAX_ECHOED_ID_CHARS = 128;

function userNotFound(idOrUpn: string): NotFoundError {
    return new NotFoundError(
        `The requested user '${idOrUpn.slice(0, MAX_ECHOED_ID_CHARS)}' is invalid.`,
        'ErrorInvalidUser',
    );
}

async function resolveUser(idOrUpn: string, deps: MailboxAccessDependencies): Promise<DirectoryUser> {
    const user = await deps.directory.findUser(idOrUpn);
    if (user === null) throw userNotFound(idOrUpn);
    return user;
}

function userMailbox(user: DirectoryUser, basis: MailboxAccessBasis): AuthorizedMailbox {
    return { kind: 'user', userId: user.id, userPrincipalName: user.userPrincipalName, basis };
}

async function authorizeApplication(
    caller: Caller,
    target: MailboxTarget,
    deps: MailboxAccessDependencies,
): Promise<AuthorizedMailbox> {
    if (target.kind === 'me') throw new BadRequestError('BadRequest', ME_WITH_APP_TOKEN);
    const grant = applicationGrantFor(caller, deps.policy);
    const denied = new ForbiddenError(
        'Access is denied. The tenant policy does not allow this application to act in this mailbox.',
    );
    if (target.kind === 'group') {
        const allowed = grant?.groups.some((group) => group === ANY || sameId(group, target.groupId)) ?? false;
        if (!allowed) throw denied;
        return { kind: 'group', groupId: target.groupId, basis: 'application' };
    }
    // Refuse an app without any mailbox grant before touching the directory.
    if (grant === undefined || grant.mailboxes.length === 0) throw denied;
    const user = await resolveUser(target.idOrUpn, deps);
    if (!grant.mailboxes.includes(ANY) && !anyRefersTo(grant.mailboxes, user)) throw denied;
    return userMailbox(user, 'application');
}

async function authorizeUser(
    caller: Caller,
    target: MailboxTarget,
    deps: MailboxAccessDependencies,
): Promise<AuthorizedMailbox> {
    if (target.kind === 'group') {
        if (!(await deps.directory.isGroupMember(target.groupId, caller.objectId))) {
            throw new ForbiddenError('Access is denied. Only members of the group may act in its calendar.');
        }
        return { kind: 'group', groupId: target.groupId, basis: 'groupMember' };
    }
    if (target.kind === 'me') {
        const self = await callerDirectoryEntry(caller, deps.directory);
        return userMailbox(
            { ...self, userPrincipalName: self.userPrincipalName || (caller.userPrincipalName ?? '') },
            'owner',
        );
    }
    const owner = await resolveUser(target.idOrUpn, deps);
    if (sameId(owner.id, caller.objectId)) return userMailbox(owner, 'owner');
    // Without delegates in the policy there is nothing to match, so spare the directory lookup.
    const self = deps.policy.delegates.length === 0 ? undefined : await callerDirectoryEntry(caller, deps.directory);
    const isDelegate = deps.policy.delegates.some(
        (delegate) => self !== undefined && refersTo(delegate.user, self) && anyRefersTo(delegate.mailboxes, owner),
    );
    if (!isDelegate) {
        throw new ForbiddenError(
            'Access is denied. You may act only in your own mailbox or where the tenant policy names you a delegate.',
        );
    }
    return userMailbox(owner, 'delegate');
}

/**
 * Decides whether the caller may cancel in the mailbox a route names, and whose mailbox that is.
 *
 * - `/me` with an app-only token: 400, as Graph answers.
 * - A user: their own mailbox (`/me`, or their object id or UPN); another user's only as a policy delegate;
 *   a group's only as a member. Targets are resolved through the directory, so a policy written with UPNs
 *   matches a route with object ids and vice versa.
 * - An app: only the mailboxes and groups its policy entry lists (`"*"` = all).
 *
 * Throws ForbiddenError (403) when not allowed, NotFoundError (404, `ErrorInvalidUser`) for an unknown user.
 * Callers must check the route's permission (scope or role) separately, with `requirePermission`.
 */
export async function authorizeMailbox(
    caller: Caller,
    target: MailboxTarget,
    deps: MailboxAccessDependencies,
): Promise<AuthorizedMailbox> {
    return caller.kind === 'app' ? authorizeApplication(caller, target, deps) : authorizeUser(caller, target, deps);
}
