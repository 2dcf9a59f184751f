import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';

/** A token is fetched again this long before it expires, so no request leaves with one about to lapse. */
export const tokenRefreshMarginMs = 5 * 60_000;

/**
 * Hands out the last token for the same scopes until it is due for refresh (its `refreshAfterTimestamp`, or
 * {@link tokenRefreshMarginMs} before expiry). The credential caches tokens too, but asking it costs a cache lookup
 * in MSAL of about a millisecond of CPU, twice per cancel. Requests with claims (a CAE challenge) or another tenant
 * always go to the credential.
 */
export function reuseTokens(credential: TokenCredential, now: () => number = Date.now): TokenCredential {
    let last: { readonly scopes: string; readonly token: AccessToken } | undefined;
    return {
        async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
            const key = typeof scopes === 'string' ? scopes : scopes.join(' ');
            const plain = options?.claims === undefined && options?.tenantId === undefined;
            if (plain && last?.scopes === key && !dueForRefresh(last.token, now())) return last.token;
            const token = await credential.getToken(scopes, options);
            if (plain && token) last = { scopes: key, token };
            return token;
        },
    };
}

function dueForRefresh(token: AccessToken, nowMs: number): boolean {
    if (token.refreshAfterTimestamp !== undefined && nowMs >= token.refreshAfterTimestamp) return true;
    return nowMs >= token.expiresOnTimestamp - tokenRefreshMarginMs;
}
