import { AppError } from './appError';

/**
 * Graph answered with an error. `outcome` says what is known of the call: `rejected` (Graph refused it, nothing
 * happened) or `unknown` (a timeout, a 5xx or throttling that outlasted the deadline: it may have happened).
 * Status, code and message pass through to the caller in Graph's envelope, as a Graph SDK expects.
 */
export class UpstreamError extends AppError {
    constructor(
        status: number,
        code: string,
        message: string,
        readonly outcome: 'rejected' | 'unknown',
        readonly graphRequestId: string | undefined,
        headers: Readonly<Record<string, string>> = {},
    ) {
        super(status, code, message, { headers });
    }
}
