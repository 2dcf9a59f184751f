import { ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { GatewayConfig } from '../../config/config';
import { reuseTokens } from './reusedToken';

export const graphScope = 'https://graph.microsoft.com/.default';

const publicAuthorityHosts = new Set([
    'https://login.microsoftonline.com',
    'https://login.microsoftonline.us',
    'https://login.partner.microsoftonline.cn',
]);

/**
 * The gateway's own app-only credential for Graph: managed identity in Azure, a client secret where one is
 * configured (locally against the emulator's https authority, so the real credential code path runs).
 */
export function createGraphCredential(config: GatewayConfig): TokenCredential {
    const { graph, auth, tenantId } = config;
    if (graph.credential === 'managedIdentity') {
        return reuseTokens(new ManagedIdentityCredential({ clientId: graph.clientId }));
    }
    if (!graph.clientSecret) throw new Error('GRAPH_CLIENT_SECRET is required for the clientSecret credential');
    return reuseTokens(
        new ClientSecretCredential(tenantId, graph.clientId, graph.clientSecret, {
            authorityHost: auth.authorityHost,
            // Instance discovery asks login.microsoftonline.com about the authority, which a private authority
            // (the emulator) is not known to.
            disableInstanceDiscovery: !publicAuthorityHosts.has(auth.authorityHost),
        }),
    );
}
