/**
 * Audiences of Microsoft Graph tokens. A Graph token presented to the gateway would make it a confused
 * deputy (the client's Graph token replayed here), so these are never accepted, even if misconfigured.
 */
export const GRAPH_AUDIENCES: ReadonlySet<string> = new Set([
    'https://graph.microsoft.com',
    'https://graph.microsoft.com/',
    'https://graph.microsoft.us',
    'https://dod-graph.microsoft.us',
    'https://microsoftgraph.chinacloudapi.cn',
    '00000003-0000-0000-c000-000000000000',
]);

export function isGraphAudience(audience: string): boolean {
    return GRAPH_AUDIENCES.has(audience.toLowerCase());
}
