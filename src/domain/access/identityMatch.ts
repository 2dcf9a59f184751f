import { type DirectoryUser } from './ports';

/**
 * Whether a policy reference (an object id or a UPN, as written in the policy) names this directory user.
 * Both sides come from the directory or the policy, never from a token's `preferred_username`.
 * Entra object ids and UPNs are case-insensitive.
 */
export function refersTo(reference: string, user: Pick<DirectoryUser, 'id' | 'userPrincipalName'>): boolean {
    const wanted = reference.toLowerCase();
    return wanted === user.id.toLowerCase() || wanted === user.userPrincipalName.toLowerCase();
}

/** Whether any reference in `references` names the user. */
export function anyRefersTo(
    references: readonly string[],
    user: Pick<DirectoryUser, 'id' | 'userPrincipalName'>,
): boolean {
    return references.some((reference) => refersTo(reference, user));
}

export function sameId(a: string, b: string): boolean {
    return a.toLowerCase() === b.toLowerCase();
}
