/**
 * The development tenant shared by the Graph emulator's demo seed, the token CLI and
 * `local.settings.sample.json`. Ids are fixed so that people and tests can rely on them.
 */
export const devTenant = {
    tenantId: 'dc0ffee0-7e4a-4c6b-9d2f-000000000001',
    domain: 'contoso.test',
    /** The gateway's own API app registration: the audience of tokens callers send to the gateway. */
    gatewayApi: {
        clientId: 'ca9ce1a7-0000-4000-8000-0000000000a1',
        appIdUri: 'api://cancel-gateway',
    },
    /** The app registration the gateway uses to call Graph (client credentials). */
    gatewayGraphClient: {
        clientId: 'ca9ce1a7-0000-4000-8000-0000000000b2',
    },
    /** A first-party client app that calls the gateway on behalf of users (used as `azp`/`appid`). */
    callerApp: {
        clientId: 'ca9ce1a7-0000-4000-8000-0000000000c3',
    },
    users: [
        {
            id: 'a11ce000-0000-4000-8000-000000000001',
            userPrincipalName: 'alice@contoso.test',
            displayName: 'Alice Adams',
        },
        { id: 'b0b00000-0000-4000-8000-000000000002', userPrincipalName: 'bob@contoso.test', displayName: 'Bob Brown' },
        {
            id: 'ca401000-0000-4000-8000-000000000003',
            userPrincipalName: 'carol@contoso.test',
            displayName: 'Carol Clark',
        },
    ],
} as const;

export const graphAudience = 'https://graph.microsoft.com';
