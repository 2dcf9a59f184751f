import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether the `clientState` Graph sent is the subscription's, in constant time (both sides hashed first, so their
 * lengths do not leak either).
 */
export function sameClientState(sent: string, stored: string): boolean {
    const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
    return timingSafeEqual(digest(sent), digest(stored));
}
