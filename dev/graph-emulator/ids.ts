import * as crypto from 'node:crypto';

/**
 * Exchange-like item ids (`AAMkAD…=`): base64url characters only, case-sensitive. Deterministic when derived
 * from a seed (so the demo tenant's ids stay the same across resets), random for items that moved folder.
 */
export function stableId(...parts: string[]): string {
    const digest = crypto.createHash('sha256').update(parts.join('\u0000')).digest();
    return `AAMkAD${digest.toString('base64url')}AAA=`;
}

/**
 * An item's immutable id (the `Prefer: IdType="ImmutableId"` form; Graph's start `AAkALg`), derived from the mailbox
 * and the item's first regular id, so it is the same after every reset and never changes with a move.
 */
export function immutableIdOf(mailboxId: string, firstId: string): string {
    const digest = crypto.createHash('sha256').update(`immutable\u0000${mailboxId}\u0000${firstId}`).digest();
    return `AAkALg${digest.toString('base64url')}AAA=`;
}

export function randomId(): string {
    return `AAMkAD${crypto.randomBytes(32).toString('base64url')}AAA=`;
}

export function newGuid(): string {
    return crypto.randomUUID();
}

export function stableGuid(...parts: string[]): string {
    const hex = crypto.createHash('sha256').update(parts.join('\u0000')).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function newChangeKey(): string {
    return crypto.randomBytes(18).toString('base64');
}

/** Graph rejects EWS-format ids (`+`, `/`) and anything that is not id-shaped with `ErrorInvalidIdMalformed`. */
export function isMalformedId(id: string): boolean {
    return !/^[A-Za-z0-9_\-=.]+$/.test(id);
}
