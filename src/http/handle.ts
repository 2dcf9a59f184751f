import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ensureAppError } from '../errors/appError';
import { log } from '../observability/logger';
import { annotateLogScope, withLogScope } from '../observability/logScope';
import { errorResponse } from './errorResponse';
import { newRequestId } from './requestId';

export interface RequestScope {
    readonly requestId: string;
    readonly clientRequestId: string | undefined;
}

export type ScopedHandler = (
    request: HttpRequest,
    context: InvocationContext,
    scope: RequestScope,
) => Promise<HttpResponseInit>;

/**
 * The edge of every HTTP function: gives the request its `request-id` (echoing `client-request-id` as Graph
 * does), and turns any thrown error into Graph's envelope. Unexpected errors are logged with their cause and
 * answered with a generic 500 so nothing internal leaks.
 */
export type EdgeHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function handle(handler: ScopedHandler): EdgeHandler {
    return function handleRequest(request, context) {
        const scope: RequestScope = {
            requestId: newRequestId(),
            clientRequestId: request.headers.get('client-request-id') ?? undefined,
        };
        // Every line logged while the request runs (Graph calls, domain warnings) carries its request id.
        return withLogScope(context, { requestId: scope.requestId }, async () => {
            const startedAt = performance.now();
            let response: HttpResponseInit;
            try {
                response = await handler(request, context, scope);
            } catch (thrown) {
                const error = ensureAppError(thrown);
                if (error.status >= 500) log.error('request failed', { error: error.cause ?? error });
                response = errorResponse(error, scope);
            }
            const headers = new Headers(response.headers);
            headers.set('request-id', scope.requestId);
            if (scope.clientRequestId) headers.set('client-request-id', scope.clientRequestId);
            annotateLogScope({ cancellationId: cancellationIdOf(headers) });
            log.info('request', {
                method: request.method,
                route: new URL(request.url).pathname,
                status: response.status ?? 200,
                ms: Math.round(performance.now() - startedAt),
                clientRequestId: scope.clientRequestId,
            });
            return { ...response, headers };
        });
    };
}

/** The cancellation a response points at (`Location: /api/cancellations/{id}`), to correlate the request's lines. */
function cancellationIdOf(headers: Headers): string | undefined {
    const match = /\/cancellations\/([^/?#]+)$/.exec(headers.get('location') ?? '');
    return match?.[1];
}
