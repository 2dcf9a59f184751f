import { randomUUID } from 'node:crypto';

/** Graph gives every response its own `request-id`; callers correlate with their `client-request-id`. */
export function newRequestId(): string {
    return randomUUID();
}
