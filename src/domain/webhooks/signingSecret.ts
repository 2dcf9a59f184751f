import type { SigningSecret } from './subscription';

/** Standard Webhooks: `whsec_` + base64 of 24–64 random bytes; the gateway uses 32 (as large as the HMAC key). */
export const secretPrefix = 'whsec_';
export const secretBytes = 32;

/** Source of cryptographically random bytes (`crypto.randomBytes` in production). */
export type RandomBytes = (size: number) => Uint8Array;

/** A fresh signing secret made now. */
export function newSigningSecret(randomBytes: RandomBytes, now: Date): SigningSecret {
    const bytes = randomBytes(secretBytes);
    if (bytes.length !== secretBytes) throw new Error(`randomBytes returned ${bytes.length} bytes, not ${secretBytes}`);
    return { secret: secretPrefix + Buffer.from(bytes).toString('base64'), createdAt: now.toISOString() };
}

function isExpired(secret: SigningSecret, now: Date): boolean {
    return secret.expiresAt !== undefined && Date.parse(secret.expiresAt) <= now.getTime();
}

/** The secrets that sign at `now`: the current one first, then rotated-out ones still in their grace window. */
export function activeSecrets(secrets: readonly SigningSecret[], now: Date): readonly SigningSecret[] {
    return secrets.filter((secret) => !isExpired(secret, now));
}

/** At most this many secrets sign at once (the current one and the rotated-out ones still in their grace). */
export const maxActiveSecrets = 4;

/**
 * Rotation: the new secret goes first; every secret without an expiry gets `now + graceMs`, one that already
 * expires keeps its (earlier) time, expired ones are dropped, and rotating again and again within the grace window
 * drops the oldest beyond {@link maxActiveSecrets} so the signature header stays short.
 */
export function rotateSecrets(
    secrets: readonly SigningSecret[],
    fresh: SigningSecret,
    now: Date,
    graceMs: number,
): { readonly secrets: readonly SigningSecret[]; readonly previousExpiresAt: string } {
    const previousExpiresAt = new Date(now.getTime() + Math.max(0, graceMs)).toISOString();
    const previous = secrets
        .map((secret): SigningSecret =>
            secret.expiresAt === undefined ? { ...secret, expiresAt: previousExpiresAt } : secret,
        )
        .filter((secret) => !isExpired(secret, now));
    return { secrets: [fresh, ...previous].slice(0, maxActiveSecrets), previousExpiresAt };
}
