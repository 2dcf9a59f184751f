import { UpstreamError } from '../../errors/upstreamError';
import type { HealthProbe } from '../../health/checkHealth';
import type { GraphClient } from './graphClient';

/**
 * Graph is up when the gateway can get an app token and Graph accepts it for a minimal directory read
 * (`User.Read.All`, which the gateway needs anyway), so a bad credential or a missing consent shows here,
 * not on the first cancel. Give it a client that does not retry: the probe has its own timeout.
 */
export function graphProbe(graph: GraphClient): HealthProbe {
    return {
        name: 'graph',
        async check(signal) {
            try {
                await graph.send({
                    method: 'GET',
                    version: 'v1.0',
                    path: '/users',
                    query: { $top: '1', $select: 'id' },
                    signal,
                });
            } catch (error) {
                // The report says what Graph answered; a Graph that did not answer keeps its own message.
                if (error instanceof UpstreamError && error.code !== 'gatewayTimeout') {
                    throw new Error(`Graph answered ${error.status}`);
                }
                throw error;
            }
        },
    };
}
