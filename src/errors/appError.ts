/**
 * The one error family of the gateway. Each carries the HTTP status and the stable Graph-style `code`
 * it maps to; `src/http/errorResponse.ts` is the only place that turns it into a response.
 */
export class AppError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        options?: { cause?: unknown; headers?: Readonly<Record<string, string>> },
    ) {
        super(message, options?.cause === undefined ? undefined : { cause: options.cause });
        this.name = new.target.name;
        this.headers = options?.headers ?? {};
    }

    /** Extra response headers (`WWW-Authenticate`, `Retry-After`, `Allow`). */
    readonly headers: Readonly<Record<string, string>>;
}

export class BadRequestError extends AppError {
    constructor(code: string, message: string, cause?: unknown) {
        super(400, code, message, { cause });
    }
}

/** 401: no token, or one that fails validation. Always carries a `WWW-Authenticate` challenge (RFC 6750). */
export class UnauthorizedError extends AppError {
    constructor(message: string, challenge: string) {
        super(401, 'InvalidAuthenticationToken', message, { headers: { 'WWW-Authenticate': challenge } });
    }
}

/** 403: a valid caller who lacks the permission or is outside the tenant policy. */
export class ForbiddenError extends AppError {
    constructor(message = 'Access is denied. Check credentials and try again.', code = 'ErrorAccessDenied') {
        super(403, code, message);
    }
}

export class NotFoundError extends AppError {
    constructor(message: string, code = 'itemNotFound') {
        super(404, code, message);
    }
}

export class ServiceUnavailableError extends AppError {
    constructor(message: string, retryAfterSeconds?: number) {
        super(503, 'serviceNotAvailable', message, {
            headers: retryAfterSeconds === undefined ? {} : { 'Retry-After': String(Math.ceil(retryAfterSeconds)) },
        });
    }
}

/** Anything that is not an AppError: a bug or an unexpected failure. Its details are logged, never sent. */
export function ensureAppError(error: unknown): AppError {
    if (error instanceof AppError) return error;
    return new AppError(500, 'generalException', 'An internal error occurred. Retry later or contact support.', {
        cause: error,
    });
}
