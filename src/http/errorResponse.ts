import type { HttpResponseInit } from '@azure/functions';
import { type AppError } from '../errors/appError';

/** Graph's error envelope: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`. */
export function errorResponse(
    error: AppError,
    ids: { requestId: string; clientRequestId?: string | undefined },
    now: Date = new Date(),
): HttpResponseInit {
    const innerError: Record<string, string> = {
        date: now.toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': ids.requestId,
    };
    if (ids.clientRequestId) innerError['client-request-id'] = ids.clientRequestId;
    return {
        status: error.status,
        headers: { ...error.headers, 'Content-Type': 'application/json' },
        jsonBody: { error: { code: error.code, message: error.message, innerError } },
    };
}
