import type { RpcHttpCookie } from '../rpc';

/** Serialises an RPC cookie into a `Set-Cookie` header value, as the host does. */
export function serializeCookie(cookie: RpcHttpCookie): string {
    const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
    if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
    if (cookie.path?.value) parts.push(`path=${cookie.path.value}`);
    const seconds = cookie.expires?.value?.seconds;
    if (typeof seconds === 'number') parts.push(`expires=${new Date(seconds * 1000).toUTCString()}`);
    if (typeof cookie.maxAge?.value === 'number') parts.push(`max-age=${Math.trunc(cookie.maxAge.value)}`);
    if (cookie.secure?.value) parts.push('secure');
    if (cookie.sameSite === 'lax') parts.push('samesite=lax');
    else if (cookie.sameSite === 'strict') parts.push('samesite=strict');
    else if (cookie.sameSite === 'explicitNone') parts.push('samesite=none');
    if (cookie.httpOnly?.value) parts.push('httponly');
    return parts.join('; ');
}
