import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import { type JsonWebKey } from 'node:crypto';

/** A tiny Entra-like OpenID provider for one tenant: metadata and JWKS, with hit counters and switches. */
export interface IdentityServer {
    readonly origin: string;
    /** Public JWKs served at the JWKS endpoint; tests may change it to simulate rotation. */
    keys: JsonWebKey[];
    /** Status the metadata endpoint answers with (200 = serve metadata). */
    metadataStatus: number;
    /** Status the JWKS endpoint answers with (200 = serve keys). */
    jwksStatus: number;
    readonly hits: { metadata: number; jwks: number };
    close(): Promise<void>;
}

export async function startIdentityServer(tenantId: string, keys: JsonWebKey[]): Promise<IdentityServer> {
    const state = { keys, metadataStatus: 200, jwksStatus: 200, hits: { metadata: 0, jwks: 0 } };
    const server = http.createServer((request, response) => {
        const origin = `http://${request.headers.host ?? ''}`;
        const json = (status: number, body: unknown) => {
            response.writeHead(status, { 'content-type': 'application/json' });
            response.end(JSON.stringify(body));
        };
        if (request.url === `/${tenantId}/v2.0/.well-known/openid-configuration`) {
            state.hits.metadata += 1;
            if (state.metadataStatus !== 200) {
                json(state.metadataStatus, { error: 'unavailable' });
                return;
            }
            json(200, {
                issuer: `${origin}/${tenantId}/v2.0`,
                jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
                authorization_endpoint: `${origin}/${tenantId}/oauth2/v2.0/authorize`,
            });
            return;
        }
        if (request.url === `/${tenantId}/discovery/v2.0/keys`) {
            state.hits.jwks += 1;
            if (state.jwksStatus !== 200) json(state.jwksStatus, { error: 'unavailable' });
            else json(200, { keys: state.keys });
            return;
        }
        json(404, { error: 'not found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return Object.assign(state, {
        origin: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>((resolve, reject) => {
                server.closeAllConnections();
                server.close((error) => (error ? reject(error) : resolve()));
            }),
    });
}

/** An origin where nothing listens: a server is started on port 0, then closed. */
export async function unreachableOrigin(): Promise<string> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
}
