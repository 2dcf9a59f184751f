import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { devDir } from '../../dev/paths';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { demoClientSecret } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { issuerFor } from '../../dev/identity/mintToken';
import { loadSigningKeys } from '../../dev/identity/signingKeys';
import { alice, Client, startEmulator, useEmulator } from './helpers';
import { type RunningGraphEmulator } from '../../dev/graph-emulator/server';

const tid = devTenant.tenantId;
const clientId = devTenant.gatewayGraphClient.clientId;
const emu = useEmulator({ resetEachTest: false });

function tokenForm(fields: Record<string, string>): RequestInit {
    return {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
    };
}

describe('OIDC metadata and JWKS', () => {
    test('v2 metadata uses the TLS twin as issuer base, like issuerFor()', async () => {
        const res = await fetch(`${emu.emulator.tlsUrl}/${tid}/v2.0/.well-known/openid-configuration`);
        expect(res.status).toBe(200);
        const doc = (await res.json()) as Record<string, string>;
        expect(doc.issuer).toBe(issuerFor(emu.emulator.tlsUrl, tid, 2));
        expect(doc.token_endpoint).toBe(`${emu.emulator.tlsUrl}/${tid}/oauth2/v2.0/token`);
        expect(doc.jwks_uri).toBe(`${emu.emulator.tlsUrl}/${tid}/discovery/v2.0/keys`);
    });

    test('v1 metadata over plain HTTP too, with the v1 issuer', async () => {
        const res = await fetch(`${emu.emulator.url}/${tid}/.well-known/openid-configuration`);
        const doc = (await res.json()) as Record<string, string>;
        expect(doc.issuer).toBe(issuerFor(emu.emulator.tlsUrl, tid, 1));
        expect(doc.jwks_uri).toBe(`${emu.emulator.tlsUrl}/${tid}/discovery/keys`);
    });

    test('JWKS lists every dev key (v2 and v1 paths)', async () => {
        for (const keysPath of [`/${tid}/discovery/v2.0/keys`, `/${tid}/discovery/keys`]) {
            const res = await fetch(`${emu.emulator.tlsUrl}${keysPath}`);
            const body = (await res.json()) as { keys: { kid: string; kty: string; n: string }[] };
            expect(body.keys.map((k) => k.kid)).toEqual(loadSigningKeys().map((k) => k.kid));
            expect(body.keys[0]?.kty).toBe('RSA');
            expect(body.keys.some((k) => 'd' in k)).toBe(false);
        }
    });

    test('unknown tenant → AADSTS90002', async () => {
        const res = await fetch(
            `${emu.emulator.url}/00000000-0000-0000-0000-00000000dead/v2.0/.well-known/openid-configuration`,
        );
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: string; error_codes: number[] };
        expect(body.error).toBe('invalid_tenant');
        expect(body.error_codes).toEqual([90002]);
    });

    test('tenant addressed by domain name', async () => {
        const res = await fetch(`${emu.emulator.url}/contoso.test/v2.0/.well-known/openid-configuration`);
        expect(res.status).toBe(200);
    });
});

describe('token endpoint (client credentials)', () => {
    const endpoint = (): string => `${emu.emulator.tlsUrl}/${tid}/oauth2/v2.0/token`;

    test('issues a v1-format Graph app token with the granted roles', async () => {
        const res = await fetch(
            endpoint(),
            tokenForm({
                grant_type: 'client_credentials',
                client_id: clientId,
                client_secret: demoClientSecret,
                scope: 'https://graph.microsoft.com/.default',
            }),
        );
        expect(res.status).toBe(200);
        const body = (await res.json()) as Record<string, unknown>;
        expect(body.token_type).toBe('Bearer');
        expect(body.expires_in).toBeGreaterThan(3000);
        expect(body.ext_expires_in).toBeGreaterThan(3000);
        const token = body.access_token as string;
        const claims = decodeJwt(token);
        expect(claims.aud).toBe('https://graph.microsoft.com');
        expect(claims.iss).toBe(issuerFor(emu.emulator.tlsUrl, tid, 1));
        expect(claims.appid).toBe(clientId);
        expect(claims.idtyp).toBe('app');
        expect(claims.tid).toBe(tid);
        expect(typeof claims.oid).toBe('string');
        expect(claims.roles).toEqual([
            'Calendars.ReadWrite',
            'Bookings.ReadWrite.All',
            'GroupMember.Read.All',
            'User.Read.All',
        ]);
        expect(decodeProtectedHeader(token).kid).toBe(loadSigningKeys()[0]?.kid);
        const graph = new Client(emu.emulator, token);
        expect((await graph.get(`/v1.0/users/${alice}/events`)).status).toBe(200);
    });

    test('unknown client → 400 unauthorized_client AADSTS700016', async () => {
        const res = await fetch(
            endpoint(),
            tokenForm({
                grant_type: 'client_credentials',
                client_id: '11111111-2222-3333-4444-555555555555',
                client_secret: 'x',
                scope: 'https://graph.microsoft.com/.default',
            }),
        );
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: string; error_codes: number[]; error_description: string };
        expect(body.error).toBe('unauthorized_client');
        expect(body.error_codes).toEqual([700016]);
        expect(body.error_description).toMatch(/^AADSTS700016:/);
    });

    test('bad secret → 401 invalid_client AADSTS7000215', async () => {
        const res = await fetch(
            endpoint(),
            tokenForm({
                grant_type: 'client_credentials',
                client_id: clientId,
                client_secret: 'wrong',
                scope: 'https://graph.microsoft.com/.default',
            }),
        );
        expect(res.status).toBe(401);
        const body = (await res.json()) as { error: string; error_codes: number[] };
        expect(body.error).toBe('invalid_client');
        expect(body.error_codes).toEqual([7000215]);
    });

    test('scope without /.default → invalid_scope; other grant → unsupported_grant_type', async () => {
        const scope = await fetch(
            endpoint(),
            tokenForm({
                grant_type: 'client_credentials',
                client_id: clientId,
                client_secret: demoClientSecret,
                scope: 'User.Read',
            }),
        );
        expect(scope.status).toBe(400);
        expect(((await scope.json()) as { error: string }).error).toBe('invalid_scope');
        const grant = await fetch(endpoint(), tokenForm({ grant_type: 'password', client_id: clientId }));
        expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    });

    test('the real ClientSecretCredential gets a token over the TLS twin, and Graph accepts it', async () => {
        const credential = new ClientSecretCredential(tid, clientId, demoClientSecret, {
            authorityHost: emu.emulator.tlsUrl,
            disableInstanceDiscovery: true,
        });
        await emu.client.admin('DELETE', '/requests');
        const token = await credential.getToken('https://graph.microsoft.com/.default');
        expect(token.token.split('.')).toHaveLength(3);
        expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000);
        const graph = new Client(emu.emulator, token.token);
        const reply = await graph.get(`/v1.0/users/${alice}/events?$select=subject`);
        expect(reply.status).toBe(200);
        const log = (await emu.client.admin('GET', '/requests')).json.value as { appId: string; path: string }[];
        expect(log.at(-1)?.appId).toBe(clientId);
    });
});

describe('key rotation', () => {
    const originalDir = process.env.CANCEL_GATEWAY_DEV_DIR;
    let tempDir = '';
    let rotating: RunningGraphEmulator;
    let rc: Client;

    beforeAll(async () => {
        tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-keys-'));
        for (const file of ['ca.json', 'ca.pem', 'localhost.json', 'signing-keys.json']) {
            fs.copyFileSync(path.join(devDir(), file), path.join(tempDir, file));
        }
        process.env.CANCEL_GATEWAY_DEV_DIR = tempDir;
        ({ emulator: rotating, client: rc } = await startEmulator());
    });
    afterAll(async () => {
        await rotating.close();
        if (originalDir === undefined) delete process.env.CANCEL_GATEWAY_DEV_DIR;
        else process.env.CANCEL_GATEWAY_DEV_DIR = originalDir;
        fs.rmSync(tempDir, { recursive: true, force: true });
    });

    test('rotate adds a signing key first in the file; old tokens stay valid until dropOld', async () => {
        const before = loadSigningKeys().map((k) => k.kid);
        const oldToken = rc.token;
        const rotated = await rc.admin('POST', '/keys/rotate');
        expect(rotated.status).toBe(200);
        const after = loadSigningKeys().map((k) => k.kid);
        expect(after).toHaveLength(before.length + 1);
        expect(after.slice(1)).toEqual(before);
        expect(rotated.json.kid).toBe(after[0]);
        const keys = (await (await fetch(`${rotating.url}/${tid}/discovery/v2.0/keys`)).json()) as {
            keys: { kid: string }[];
        };
        expect(keys.keys.map((k) => k.kid)).toEqual(after);
        // The token endpoint signs with the new key.
        const res = await fetch(
            `${rotating.url}/${tid}/oauth2/v2.0/token`,
            tokenForm({
                grant_type: 'client_credentials',
                client_id: clientId,
                client_secret: demoClientSecret,
                scope: 'https://graph.microsoft.com/.default',
            }),
        );
        const fresh = ((await res.json()) as { access_token: string }).access_token;
        expect(decodeProtectedHeader(fresh).kid).toBe(after[0]);
        expect((await rc.get(`/v1.0/users/${alice}/events`)).status).toBe(200);
        // Drop the old keys: a token signed by them is now rejected.
        const dropped = await rc.admin('POST', '/keys/rotate', { dropOld: true });
        expect((dropped.json.value as unknown[]).length).toBe(1);
        rc.token = oldToken;
        const rejected = await rc.get(`/v1.0/users/${alice}/events`);
        expect(rejected.status).toBe(401);
    });
});
