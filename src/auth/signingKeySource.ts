import { createRemoteJWKSet, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import * as z from 'zod';
import { ServiceUnavailableError } from '../errors/appError';

export interface SigningKeySourceOptions {
    /** `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`. */
    readonly metadataUrl: string;
    /** Per request to the metadata and JWKS endpoints. */
    readonly fetchTimeoutMs: number;
    /** How long a fetched JWKS is used before it is fetched again (Entra rotates keys; jose's default is 10 min). */
    readonly jwksCacheMaxAgeMs: number;
    /** The least time between two JWKS fetches caused by an unknown `kid`, so unknown kids cannot hammer Entra. */
    readonly jwksCooldownMs: number;
}

/** Seconds a client should wait after the identity provider could not be reached. */
const RETRY_AFTER_UNREACHABLE_SECONDS = 5;

const metadataSchema = z.object({ jwks_uri: z.url({ protocol: /^https?$/ }) });

function unreachable(what: string, cause: unknown): ServiceUnavailableError {
    const error = new ServiceUnavailableError(
        `The identity provider's ${what} could not be retrieved, so the token cannot be validated. Retry later.`,
        RETRY_AFTER_UNREACHABLE_SECONDS,
    );
    // ServiceUnavailableError takes no cause; attach it for the logs without changing appError.ts.
    Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
    return error;
}

async function fetchJwksUri(options: SigningKeySourceOptions): Promise<URL> {
    let body: unknown;
    try {
        const response = await fetch(options.metadataUrl, {
            headers: { accept: 'application/json' },
            signal: AbortSignal.timeout(options.fetchTimeoutMs),
        });
        if (!response.ok) throw new Error(`OpenID metadata endpoint answered ${response.status}`);
        body = await response.json();
    } catch (error) {
        throw unreachable('OpenID metadata', error);
    }
    const parsed = metadataSchema.safeParse(body);
    if (!parsed.success) throw unreachable('OpenID metadata', parsed.error);
    return new URL(parsed.data.jwks_uri);
}

/**
 * The tenant's token signing keys, selected by `kid`. The OpenID metadata is read lazily on first use and
 * kept once it succeeds (a failure is not cached, so the next request retries). The JWKS itself is jose's
 * remote set: cached, refetched when stale, and refetched on an unknown `kid` (after a cooldown), which is
 * how a rotated key becomes usable without a restart.
 *
 * Errors: an unknown or ambiguous `kid` is rethrown as jose's error (the token's fault, 401); anything else
 * while fetching keys is the identity provider's fault and becomes a 503 {@link ServiceUnavailableError}.
 */
export function createSigningKeySource(options: SigningKeySourceOptions): JWTVerifyGetKey {
    let jwks: Promise<JWTVerifyGetKey> | undefined;

    function remoteJwks(): Promise<JWTVerifyGetKey> {
        jwks ??= fetchJwksUri(options).then((jwksUri) =>
            createRemoteJWKSet(jwksUri, {
                timeoutDuration: options.fetchTimeoutMs,
                cacheMaxAge: options.jwksCacheMaxAgeMs,
                cooldownDuration: options.jwksCooldownMs,
            }),
        );
        jwks.catch(() => {
            jwks = undefined;
        });
        return jwks;
    }

    return async function signingKeyFor(protectedHeader, token) {
        const keySet = await remoteJwks();
        try {
            return await keySet(protectedHeader, token);
        } catch (error) {
            if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
                throw error;
            }
            throw unreachable('signing keys (JWKS)', error);
        }
    };
}
