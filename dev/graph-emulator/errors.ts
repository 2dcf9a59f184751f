/** A Graph-style error: HTTP status, `error.code`, `error.message`, and optional extra response headers. */
export class GraphError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly headers: Record<string, string> = {},
        readonly details?: unknown[],
    ) {
        super(message);
    }
}

/** Graph's date format inside `innerError` (no offset, no fraction), e.g. `2025-02-13T10:17:05`. */
export function innerErrorDate(now = new Date()): string {
    return now.toISOString().slice(0, 19);
}

/** `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` */
export function errorEnvelope(
    code: string,
    message: string,
    requestId: string,
    clientRequestId: string,
    details?: unknown[],
): { error: Record<string, unknown> } {
    return {
        error: {
            code,
            message,
            ...(details ? { details } : {}),
            innerError: { date: innerErrorDate(), 'request-id': requestId, 'client-request-id': clientRequestId },
        },
    };
}

export const itemNotFound = (): GraphError =>
    new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const segmentNotFound = (segment: string): GraphError =>
    new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

export const methodNotAllowed = (allowed: readonly string[]): GraphError =>
    new GraphError(405, 'BadRequest', 'The OData request is not supported.', { Allow: allowed.join(', ') });

export const malformedJson = (): GraphError =>
    new GraphError(
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );

export const accessDenied = (): GraphError =>
    new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const directoryDenied = (): GraphError =>
    new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

export const invalidToken = (message: string): GraphError =>
    new GraphError(401, 'InvalidAuthenticationToken', message, {
        'WWW-Authenticate':
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    });
