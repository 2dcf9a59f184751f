import { accessDenied, GraphError } from '../errors';
import { type Mailbox } from '../store/model';
import { type Owner, type RouteContext } from '../routeTypes';

export function ownerRefText(owner: Owner): string {
    return owner.kind === 'me' ? 'me' : owner.ref;
}

/** The mailbox a route addresses, with Graph's 404s for unknown users and groups. */
export function resolveMailbox(ctx: RouteContext, owner: Owner): Mailbox {
    const { tenant } = ctx.state;
    const { principal } = ctx;
    if (owner.kind === 'me') {
        const user = principal.userOid ? tenant.findUser(principal.userOid) : undefined;
        const mailbox = user ? tenant.mailboxes.get(user.id) : undefined;
        if (!mailbox) throw new GraphError(404, 'ErrorInvalidUser', "The requested user 'me' is invalid.");
        return mailbox;
    }
    if (owner.kind === 'user') {
        const user = tenant.findUser(owner.ref);
        const mailbox = user ? tenant.mailboxes.get(user.id) : undefined;
        if (!user || !mailbox) {
            throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${owner.ref}' is invalid.`);
        }
        if (principal.kind === 'user' && principal.userOid?.toLowerCase() !== user.id.toLowerCase()) {
            throw accessDenied();
        }
        return mailbox;
    }
    const group = tenant.findGroup(owner.ref);
    const mailbox = group ? tenant.mailboxes.get(group.id) : undefined;
    if (!group || !mailbox) {
        throw new GraphError(
            404,
            'ErrorItemNotFound',
            `Resource '${owner.ref}' does not exist or one of its queried reference-property objects are not present.`,
        );
    }
    if (principal.kind === 'user' && !group.memberIds.some((m) => m === principal.userOid)) {
        throw accessDenied();
    }
    return mailbox;
}

/** The mailbox address for the request log and the concurrency key, or the raw reference when unknown. */
export function mailboxKey(ctx: RouteContext, owner: Owner): string {
    const { tenant } = ctx.state;
    if (owner.kind === 'me') {
        const user = ctx.principal.userOid ? tenant.findUser(ctx.principal.userOid) : undefined;
        return user?.userPrincipalName ?? 'me';
    }
    const found = tenant.findMailbox(owner.ref);
    return found?.address ?? owner.ref;
}

export function ownerFragment(ctx: RouteContext, owner: Owner): string {
    if (owner.kind === 'me') return `users('${ctx.principal.userOid ?? 'me'}')`;
    return `${owner.kind === 'user' ? 'users' : 'groups'}('${encodeURIComponent(owner.ref)}')`;
}
