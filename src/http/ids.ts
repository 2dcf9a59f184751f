import { BadRequestError } from '../errors/appError';

const maxIdLength = 1024;
// Path tricks and characters no Graph id carries; `/` also marks EWS-format ids, which Graph refuses the same way.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this must refuse
const forbidden = /[\s/\\?#%\u0000-\u001f\u007f]/u;

/** A route id as it arrived (already URL-decoded by the host). Refused like Graph refuses a malformed id. */
export function routeId(value: string | undefined): string {
    if (
        value === undefined ||
        value === '' ||
        value.length > maxIdLength ||
        forbidden.test(value) ||
        /^\.{1,2}$/.test(value)
    ) {
        throw new BadRequestError('ErrorInvalidIdMalformed', 'Id is malformed.');
    }
    return value;
}

import type { GraphVersion } from '../domain/cancellation/graphPorts';

export type { GraphVersion };

export function graphVersion(value: string | undefined): GraphVersion {
    const lower = value?.toLowerCase();
    if (lower === 'v1.0' || lower === 'beta') return lower;
    throw new BadRequestError('BadRequest', `Invalid version: ${value ?? ''}`);
}
