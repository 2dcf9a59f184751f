import { UpstreamError } from '../../errors/upstreamError';
import type { GraphResult } from './graphClient';

/** Graph's body read with `parse`; a body the gateway cannot read is Graph's fault (502), not the caller's. */
export function parsedResult<T>(result: GraphResult, parse: (body: unknown) => T): T {
    try {
        return parse(result.body);
    } catch {
        throw new UpstreamError(
            502,
            'badGateway',
            'Microsoft Graph returned a response the gateway could not read.',
            'unknown',
            result.requestId,
        );
    }
}
