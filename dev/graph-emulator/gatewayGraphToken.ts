import { devTenant, graphAudience } from '../identity/devTenant';
import { demoClientSecret } from './demoTenant';

const tokenTimeoutMs = 60_000;

/**
 * The gateway's own app-only Graph token from the emulator's token endpoint (client credentials, the demo secret), as
 * the host gets it: for benches that call Graph directly and tests that act at Graph as the gateway.
 */
export async function gatewayGraphToken(emulatorUrl: string): Promise<string> {
    const response = await fetch(`${emulatorUrl}/${devTenant.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: devTenant.gatewayGraphClient.clientId,
            client_secret: demoClientSecret,
            scope: `${graphAudience}/.default`,
        }),
        signal: AbortSignal.timeout(tokenTimeoutMs),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!response.ok || typeof body.access_token !== 'string') {
        throw new Error(`emulator token endpoint: HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    return body.access_token;
}
