/** A request as the emulator's handlers see it, whether it came over the wire or from inside a `$batch`. */
export interface EmuRequest {
    /** `scheme://host[:port]` the client used (from the Host header), for absolute `@odata.nextLink`s. */
    origin?: string;
    method: string;
    /** Path without the query string, still percent-encoded. */
    path: string;
    query: URLSearchParams;
    /** Lower-cased header names. */
    headers: Record<string, string | undefined>;
    body: Buffer;
    requestId: string;
    clientRequestId: string;
    /** Set for an item executed inside a `$batch`: the batch's own request id and the item's id. */
    batch?: { requestId: string; itemId: string };
}

export interface EmuResponse {
    status: number;
    headers: Record<string, string>;
    /** JSON body; `undefined` means an empty body. */
    body?: unknown;
    /** Non-JSON body (text), used by nothing on the Graph surface but kept for completeness. */
    text?: string;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse {
    return { status, body, headers };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): EmuResponse {
    return { status, headers };
}

/** Splits a path into percent-decoded segments; a segment that does not decode is kept as it is. */
export function pathSegments(path: string): string[] {
    return path
        .split('/')
        .filter((s) => s.length > 0)
        .map((s) => {
            try {
                return decodeURIComponent(s);
            } catch {
                return s;
            }
        });
}

/** Query parameter lookup ignoring the case of the name, as Graph does for `$select`, `startDateTime`… */
export function queryParam(query: URLSearchParams, name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [key, value] of query) {
        if (key.toLowerCase() === lower) return value;
    }
    return undefined;
}

export function isJsonContentType(value: string | undefined): boolean {
    if (!value) return false;
    return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Parses a request target (origin-form `/a/b?c` or absolute-form) without letting `//x` become a host. */
export function parseTarget(target: string): URL {
    try {
        return target.startsWith('/') ? new URL(`http://emulator.invalid${target}`) : new URL(target);
    } catch {
        return new URL('http://emulator.invalid/');
    }
}
