import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { Caller } from '../auth/caller';
import type { CancelOutcome } from '../domain/cancellation/cancellationService';
import type { Actor } from '../domain/cancellation/record';
import { fingerprint } from './idempotency';

export function actorOf(caller: Caller): Actor {
    return {
        kind: caller.kind,
        objectId: caller.objectId,
        userPrincipalName: caller.userPrincipalName,
        appId: caller.appId,
    };
}

/** Idempotency keys belong to one caller: the same key from two callers never collides. */
export function idempotencyScope(caller: Caller): string {
    return `${caller.tenantId}|${caller.objectId}|${caller.appId}`;
}

/** Same request = same method, path (case-insensitively, as routes match) and parameters. */
export function requestFingerprint(request: HttpRequest, parameters: Record<string, string | undefined>): string {
    const path = new URL(request.url).pathname.toLowerCase();
    const sorted = Object.keys(parameters)
        .sort()
        .map((name) => `${name}=${JSON.stringify(parameters[name] ?? null)}`);
    return fingerprint([request.method.toUpperCase(), path, ...sorted]);
}

/** Graph's success: 202 (event) or 204 (booking) with an empty body, plus where our record of it lives. */
export function cancelledResponse(outcome: CancelOutcome, status: 202 | 204): HttpResponseInit {
    return {
        status,
        headers: {
            Location: `/api/cancellations/${outcome.record.id}`,
            ...(outcome.replayed ? { 'Cancellation-Replayed': 'true' } : {}),
        },
    };
}
