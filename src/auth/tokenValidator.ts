import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { AppError, UnauthorizedError } from '../errors/appError';
import { bearerChallenge, type ChallengeParameters } from './bearerChallenge';
import { type Caller } from '../domain/access/caller';
import { callerFromClaims } from './callerFromClaims';
import { isGraphAudience } from './graphAudiences';
import { createSigningKeySource } from './signingKeySource';
import { VerifiedTokens } from './verifiedTokens';

export interface TokenValidatorOptions {
    /** The one tenant whose tokens are accepted (`tid`, and inside the issuer). */
    readonly tenantId: string;
    /** Accepted `aud` values: the API's client id (v2 tokens) and its App ID URI (v1 tokens). */
    readonly audiences: readonly string[];
    /** e.g. `https://login.microsoftonline.com`: v2 issuer, OpenID metadata and the challenge's authorization_uri. */
    readonly authorityHost: string;
    /** e.g. `https://sts.windows.net`: v1 issuer. */
    readonly v1IssuerHost: string;
    /** Tolerance on `exp` and `nbf` for clocks that disagree. */
    readonly clockSkewSeconds: number;
    /** `resource_id` in the challenge; defaults to the first audience (put the client id first). */
    readonly resourceId?: string;
    /** Defaults to 5 s. */
    readonly fetchTimeoutMs?: number;
    /** Defaults to 10 min. */
    readonly jwksCacheMaxAgeMs?: number;
    /** Defaults to 30 s. */
    readonly jwksCooldownMs?: number;
    /**
     * How long a token's verification is remembered (its `exp` still applies); defaults to 5 min. A signing key
     * withdrawn from the JWKS is refused after `jwksCacheMaxAgeMs` plus this at most, so it must be the shorter.
     */
    readonly verifiedTokenMaxAgeMs?: number;
    /** Milliseconds since the epoch; defaults to `Date.now`. */
    readonly nowMs?: () => number;
}

export interface TokenValidator {
    /**
     * Validates the `Authorization` header's bearer token and returns the caller it identifies.
     * Throws {@link UnauthorizedError} (401 with a `WWW-Authenticate` challenge) for no or a bad token, and a
     * 503 AppError when the tenant's signing keys cannot be fetched.
     */
    authenticate(authorizationHeader: string | null | undefined): Promise<Caller>;
}

/** Entra signs access tokens with RS256 only; pinning it rules out `none` and HS256-with-the-public-key. */
const ALLOWED_ALGORITHMS = ['RS256'];
/** Entra tokens, even with group claims, stay well under this; anything longer is not worth parsing. */
const MAX_TOKEN_CHARS = 16_384;
const DEFAULT_FETCH_TIMEOUT_MS = 5_000;
const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
const DEFAULT_VERIFIED_TOKEN_MAX_AGE_MS = 5 * 60_000;
/** About 300 bytes each: a few thousand clients' tokens at once. */
const VERIFIED_TOKENS_MAX_ENTRIES = 5_000;
/** RFC 6750 §2.1 b64token, split into the three parts of a compact JWS. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const GRAPH_TOKEN_MESSAGE = 'The access token was issued for Microsoft Graph, not for this API.';

function trimTrailingSlashes(url: string): string {
    return url.replace(/\/+$/, '');
}

function validateOptions(options: TokenValidatorOptions): void {
    if (options.tenantId.trim() === '') throw new Error('createTokenValidator: tenantId is empty');
    if (options.audiences.length === 0) throw new Error('createTokenValidator: audiences is empty');
    const graph = options.audiences.find(isGraphAudience);
    if (graph !== undefined) throw new Error(`createTokenValidator: ${graph} is Microsoft Graph's audience`);
    if (!Number.isFinite(options.clockSkewSeconds) || options.clockSkewSeconds < 0) {
        throw new Error('createTokenValidator: clockSkewSeconds must be a non-negative number');
    }
    const rememberedMs = options.verifiedTokenMaxAgeMs ?? DEFAULT_VERIFIED_TOKEN_MAX_AGE_MS;
    if (rememberedMs >= (options.jwksCacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS)) {
        throw new Error('createTokenValidator: verifiedTokenMaxAgeMs must be less than jwksCacheMaxAgeMs');
    }
}

/**
 * Creates the gateway's bearer-token validator for Entra ID access tokens (v1 and v2) of one tenant.
 * Option problems throw at creation, so a misconfigured app fails at startup rather than per request.
 */
export function createTokenValidator(options: TokenValidatorOptions): TokenValidator {
    validateOptions(options);
    const tenantId = options.tenantId.toLowerCase();
    const authorityHost = trimTrailingSlashes(options.authorityHost);
    const v1IssuerHost = trimTrailingSlashes(options.v1IssuerHost);
    // Issuers are pinned to the configured tenant: exact strings, never a pattern on the token's own tid.
    const issuers = [`${authorityHost}/${tenantId}/v2.0`, `${v1IssuerHost}/${tenantId}/`];
    const challenge: ChallengeParameters = {
        realm: 'cancel-gateway',
        authorizationUri: `${authorityHost}/${tenantId}/oauth2/v2.0/authorize`,
        resourceId: options.resourceId ?? options.audiences[0] ?? '',
    };
    const signingKeys = createSigningKeySource({
        metadataUrl: `${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`,
        fetchTimeoutMs: options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS,
        jwksCacheMaxAgeMs: options.jwksCacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
        jwksCooldownMs: options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
    });
    const nowMs = options.nowMs ?? Date.now;
    const verifiedTokens = new VerifiedTokens({
        maxEntries: VERIFIED_TOKENS_MAX_ENTRIES,
        maxAgeMs: options.verifiedTokenMaxAgeMs ?? DEFAULT_VERIFIED_TOKEN_MAX_AGE_MS,
        nowMs,
    });

    /** Never includes the token or any value taken from it. */
    const invalidToken = (description: string) =>
        new UnauthorizedError(description, bearerChallenge(challenge, description));

    function bearerTokenFrom(header: string | null | undefined): string {
        const value = header?.trim() ?? '';
        if (value === '') {
            throw new UnauthorizedError('Access token is empty.', bearerChallenge(challenge));
        }
        const [scheme, ...rest] = value.split(/\s+/);
        // RFC 7235: the scheme is case-insensitive. Another scheme carries no bearer credentials (RFC 6750 §3.1).
        if (scheme?.toLowerCase() !== 'bearer') {
            throw new UnauthorizedError(
                'The Authorization header must use the Bearer scheme.',
                bearerChallenge(challenge),
            );
        }
        const token = rest.length === 1 ? (rest[0] ?? '') : '';
        if (token === '') throw invalidToken('The Authorization header must be "Bearer" followed by one token.');
        if (token.length > MAX_TOKEN_CHARS || !COMPACT_JWS.test(token)) {
            throw invalidToken('The access token is malformed: it is not a signed JWT.');
        }
        return token;
    }

    /** Cheap checks on the unverified header before any key is fetched. */
    function checkHeader(token: string): void {
        let header: ReturnType<typeof decodeProtectedHeader>;
        let claims: JWTPayload;
        try {
            header = decodeProtectedHeader(token);
            claims = decodeJwt(token);
        } catch {
            throw invalidToken('The access token is malformed: it is not a signed JWT.');
        }
        if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
            throw invalidToken('The access token signing algorithm is not allowed; only RS256 is accepted.');
        }
        if (typeof header.kid !== 'string' || header.kid === '') {
            throw invalidToken('The access token header has no key id (kid).');
        }
        // Real Graph tokens carry a nonce and never verify anyway; say why instead of "bad signature".
        const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
        if (audiences.some(isGraphAudience)) throw invalidToken(GRAPH_TOKEN_MESSAGE);
    }

    /** Turns jose's verdict into a 401 that says what was wrong, using the unverified claims only to word it. */
    function explain(error: unknown, token: string): AppError {
        if (error instanceof AppError) return error;
        if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
            return invalidToken('The access token was signed with a key that is not among the tenant signing keys.');
        }
        if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
            return invalidToken('The access token signature is invalid.');
        }
        if (error instanceof joseErrors.JWTExpired) return invalidToken('The access token is expired.');
        if (error instanceof joseErrors.JOSEAlgNotAllowed) {
            return invalidToken('The access token signing algorithm is not allowed; only RS256 is accepted.');
        }
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
            const claims = decodeJwt(token);
            if (error.reason === 'missing') {
                return invalidToken(`The access token has no ${error.claim} claim.`);
            }
            switch (error.claim) {
                case 'nbf':
                    return invalidToken('The access token is not yet valid.');
                case 'aud': {
                    const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
                    if (audiences.some(isGraphAudience)) return invalidToken(GRAPH_TOKEN_MESSAGE);
                    return invalidToken('The access token audience is not this API.');
                }
                case 'iss':
                    if (typeof claims.tid === 'string' && claims.tid.toLowerCase() !== tenantId) {
                        return invalidToken('The access token was issued for another tenant.');
                    }
                    return invalidToken('The access token issuer is not trusted.');
                default:
                    return invalidToken(`The access token ${error.claim} claim is invalid.`);
            }
        }
        return invalidToken('The access token is invalid.');
    }

    async function verify(token: string): Promise<JWTPayload> {
        try {
            const { payload } = await jwtVerify(token, signingKeys, {
                algorithms: ALLOWED_ALGORITHMS,
                issuer: issuers,
                audience: [...options.audiences],
                clockTolerance: options.clockSkewSeconds,
                currentDate: new Date(nowMs()),
                requiredClaims: ['exp', 'iss', 'aud', 'tid', 'oid'],
            });
            return payload;
        } catch (error) {
            throw explain(error, token);
        }
    }

    return {
        async authenticate(authorizationHeader) {
            const token = bearerTokenFrom(authorizationHeader);
            const remembered = verifiedTokens.get(token);
            if (remembered !== undefined) return remembered;
            checkHeader(token);
            const claims = await verify(token);
            // The issuer already pins the tenant; `tid` must agree with it too.
            if (typeof claims.tid !== 'string' || claims.tid.toLowerCase() !== tenantId) {
                throw invalidToken('The access token was issued for another tenant.');
            }
            const result = callerFromClaims(claims);
            if ('missingClaim' in result) throw invalidToken(`The access token has no ${result.missingClaim} claim.`);
            // Shared by every request that brings the same token.
            const caller = Object.freeze(result.caller);
            verifiedTokens.add(token, caller, ((claims.exp ?? 0) + options.clockSkewSeconds) * 1000);
            return caller;
        },
    };
}
