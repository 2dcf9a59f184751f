import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { readOrCreate } from '../createOnce';
import { devDir } from '../paths';

export interface DevSigningKey {
    kid: string;
    /** RSA private key as a JWK (never served). */
    privateJwk: crypto.JsonWebKey;
    /** RSA public key as a JWK with `kid`, `use: sig`, `alg: RS256`, as Entra's JWKS lists it. */
    publicJwk: crypto.JsonWebKey;
}

function newKey(): DevSigningKey {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = crypto.randomBytes(12).toString('base64url');
    return {
        kid,
        privateJwk: privateKey.export({ format: 'jwk' }),
        publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
    };
}

/**
 * The development tenant's token signing keys, generated under `.dev/` on first use and never committed.
 * The first key is the one that signs; the emulator's JWKS lists them all.
 */
export function loadSigningKeys(): DevSigningKey[] {
    const file = path.join(devDir(), 'signing-keys.json');
    return JSON.parse(readOrCreate(file, () => JSON.stringify([newKey()]))) as DevSigningKey[];
}

export { newKey as newSigningKey };
