import type { TokenCredential } from '@azure/identity';
import type { HealthProbe } from '../../health/checkHealth';
import { graphScope } from './credential';

/**
 * Graph is up when the gateway can get an app token and Graph accepts it for a minimal directory read
 * (`User.Read.All`, which the gateway needs anyway), so a bad credential or a missing consent shows here,
 * not on the first cancel.
 */
export function graphProbe(credential: TokenCredential, graphBaseUrl: string): HealthProbe {
    return {
        name: 'graph',
        async check(signal) {
            const token = await credential.getToken(graphScope, { abortSignal: signal });
            if (!token) throw new Error('no token for Graph');
            const response = await fetch(`${graphBaseUrl}/v1.0/users?$top=1&$select=id`, {
                headers: { Authorization: `Bearer ${token.token}` },
                signal,
            });
            await response.body?.cancel();
            if (!response.ok) throw new Error(`Graph answered ${response.status}`);
        },
    };
}
