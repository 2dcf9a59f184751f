import { createHash } from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Caller } from '../domain/access/caller';
import type { IdempotencyStore, StoredResponse } from '../domain/idempotency/store';
import { AppError, BadRequestError, ensureAppError } from '../errors/appError';
import { log } from '../observability/logger';
import { errorResponse } from './errorResponse';
import type { RequestScope } from './handle';

export interface IdempotencyOptions {
    readonly store: IdempotencyStore;
    /** How long a claim may stay in flight before another request may take it over (a crashed process). */
    readonly lockMs: number;
    /** How long a completed key is kept and replayed (the draft asks for a published expiry; we keep 24 h). */
    readonly retentionMs: number;
    readonly now: () => Date;
}

const maxKeyLength = 255;
/** Headers a replay repeats; `request-id` is new for every response, as in Graph. */
const replayedHeaders = ['location', 'retry-after', 'www-authenticate'];

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header): an sf-string (`"…"`); a bare token is accepted too.
 */
function idempotencyKey(request: HttpRequest): string | undefined {
    const raw = request.headers.get('idempotency-key');
    if (raw === null) return undefined;
    const trimmed = raw.trim();
    const key = /^".*"$/.test(trimmed) ? trimmed.slice(1, -1) : trimmed;
    if (key === '' || key.length > maxKeyLength || !/^[\x20-\x7e]+$/.test(key) || key.includes('"')) {
        throw new BadRequestError(
            'invalidIdempotencyKey',
            `Idempotency-Key must be a quoted string of 1 to ${maxKeyLength} printable ASCII characters.`,
        );
    }
    return key;
}

function fingerprint(parts: readonly string[]): string {
    return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

function toStored(response: HttpResponseInit): StoredResponse {
    const headers = new Headers(response.headers);
    const kept: Record<string, string> = {};
    for (const name of replayedHeaders) {
        const value = headers.get(name);
        if (value !== null) kept[name] = value;
    }
    const body = response.jsonBody !== undefined ? JSON.stringify(response.jsonBody) : undefined;
    if (body !== undefined) kept['content-type'] = 'application/json';
    return { status: response.status ?? 200, headers: kept, body };
}

function fromStored(stored: StoredResponse): HttpResponseInit {
    return {
        status: stored.status,
        headers: { ...stored.headers, 'Idempotent-Replayed': 'true' },
        ...(stored.body === undefined ? {} : { body: stored.body }),
    };
}

/**
 * Runs `execute` at most once per (caller scope, key): a repeat with the same body replays the first response,
 * a different body gets 422, a repeat while the first is still running gets 409. Server failures (5xx) are not
 * kept, so a retry runs again; the cancellation record carries what really happened.
 */
export async function withIdempotency(
    options: IdempotencyOptions,
    request: { key: string | undefined; scope: string; fingerprint: string; ids: RequestScope },
    execute: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
    if (request.key === undefined) return execute();
    const now = options.now();
    const begun = await options.store.begin(request.scope, request.key, request.fingerprint, now, options.lockMs);
    if (!begun.claimed) {
        if (begun.entry.fingerprint !== request.fingerprint) {
            throw new AppError(
                422,
                'idempotencyKeyReused',
                'This Idempotency-Key was used with a different request; use a new key for a new request.',
            );
        }
        if (begun.entry.state === 'inFlight') {
            throw new AppError(
                409,
                'idempotencyKeyInFlight',
                'A request with this Idempotency-Key is still being processed.',
                {
                    headers: { 'Retry-After': '1' },
                },
            );
        }
        return fromStored(begun.entry.response);
    }
    let response: HttpResponseInit;
    try {
        response = await execute();
    } catch (thrown) {
        const error = ensureAppError(thrown);
        if (error.status >= 500) {
            await options.store.release(request.scope, request.key, begun.etag);
            throw error;
        }
        response = errorResponse(error, request.ids, now);
    }
    const expiresAt = new Date(options.now().getTime() + options.retentionMs);
    try {
        await options.store.complete(request.scope, request.key, begun.etag, toStored(response), expiresAt);
    } catch (error) {
        // The work is done and this answer is right: a 500 now would hide a cancellation that happened. The key
        // stays in flight until its lock runs out (or was already taken over by a retry); a retry after that runs
        // again, and the cancellation record turns it into a replay of this result.
        log.warn('idempotency: the response could not be stored under its key', { error });
    }
    return response;
}

/** Idempotency keys belong to one caller: the same key from two callers never collides. */
function idempotencyScope(caller: Caller): string {
    return `${caller.tenantId}|${caller.objectId}|${caller.appId}`;
}

/** The route a request came in by: its template and the values it matched, ids exactly as sent. */
export interface MatchedRoute {
    /** The host's route template, e.g. `{version}/me/events/{eventId}/cancel`. */
    readonly template: string;
    readonly values: Readonly<Record<string, string | undefined>>;
}

/**
 * Same request = same method, route and parameters. Routes match case-insensitively, so `Me/Events` and `me/events`
 * are one route; Graph ids are case-sensitive, so the route's values (ids) are compared exactly as sent.
 */
export function requestFingerprint(
    method: string,
    route: MatchedRoute,
    parameters: Readonly<Record<string, string | undefined>>,
): string {
    const named = (values: Readonly<Record<string, string | undefined>>) =>
        Object.keys(values)
            .sort()
            .map((name) => `${name}=${JSON.stringify(values[name] ?? null)}`);
    return fingerprint([
        method.toUpperCase(),
        route.template.toLowerCase(),
        ...named(route.values),
        '',
        ...named(parameters),
    ]);
}

/**
 * {@link withIdempotency} for a cancel request: the key from its header, scoped to the caller, with a fingerprint of
 * the route (ids as sent) and the action's parameters.
 */
export function idempotentCancel(
    options: IdempotencyOptions,
    request: HttpRequest,
    caller: Caller,
    ids: RequestScope,
    route: MatchedRoute,
    parameters: Record<string, string | undefined>,
    execute: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
    return withIdempotency(
        options,
        {
            key: idempotencyKey(request),
            scope: idempotencyScope(caller),
            fingerprint: requestFingerprint(request.method, route, parameters),
            ids,
        },
        execute,
    );
}

/**
 * {@link withIdempotency} for a JSON create (`POST /api/cancellationJobs`): the key from its header, scoped to the
 * caller, with a fingerprint of the route and the parsed body (so the same job asked twice is created once).
 */
export function idempotentCreate(
    options: IdempotencyOptions,
    request: HttpRequest,
    caller: Caller,
    ids: RequestScope,
    route: string,
    body: unknown,
    execute: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
    return withIdempotency(
        options,
        {
            key: idempotencyKey(request),
            scope: idempotencyScope(caller),
            fingerprint: fingerprint([request.method.toUpperCase(), route.toLowerCase(), '', JSON.stringify(body)]),
            ids,
        },
        execute,
    );
}
