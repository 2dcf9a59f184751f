import * as crypto from 'node:crypto';
import * as path from 'node:path';
import forge from 'node-forge';
import { readOrCreate } from '../createOnce';
import { devDir } from '../paths';

export interface DevTlsMaterial {
    /** PEM of the development CA; trust it with `NODE_EXTRA_CA_CERTS=.dev/ca.pem`. */
    caPem: string;
    caPath: string;
    /** Server certificate for `localhost`, `127.0.0.1` and `::1`, signed by the CA. */
    certPem: string;
    keyPem: string;
}

const validityDays = 825;

function newKeyPair(): { privateKeyPem: string; forgeKeys: forge.pki.rsa.KeyPair } {
    // Node's native generator is much faster than forge's pure-JS one; forge only signs.
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const forgePrivate = forge.pki.privateKeyFromPem(privateKeyPem);
    const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
    return { privateKeyPem, forgeKeys: { privateKey: forgePrivate, publicKey: forgePublic } };
}

function newCertificate(publicKey: forge.pki.PublicKey, commonName: string): forge.pki.Certificate {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = '01' + crypto.randomBytes(15).toString('hex');
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + validityDays * 86_400_000);
    cert.setSubject([{ name: 'commonName', value: commonName }]);
    return cert;
}

function createCa(): string {
    const { privateKeyPem, forgeKeys } = newKeyPair();
    const cert = newCertificate(forgeKeys.publicKey, 'Cancel Gateway Development CA');
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions([
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(forgeKeys.privateKey, forge.md.sha256.create());
    return JSON.stringify({ certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem });
}

function createServerCert(ca: { certPem: string; keyPem: string }): string {
    const caCert = forge.pki.certificateFromPem(ca.certPem);
    const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
    const { privateKeyPem, forgeKeys } = newKeyPair();
    const cert = newCertificate(forgeKeys.publicKey, 'localhost');
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
            name: 'subjectAltName',
            altNames: [
                { type: 2, value: 'localhost' },
                { type: 7, ip: '127.0.0.1' },
                { type: 7, ip: '::1' },
            ],
        },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return JSON.stringify({ certPem: forge.pki.certificateToPem(cert), keyPem: privateKeyPem });
}

/**
 * Returns the development CA and a `localhost` server certificate, generating them under `.dev/` on
 * first use. The CA's public certificate is also written to `.dev/ca.pem` for clients to trust.
 */
export function ensureDevTls(): DevTlsMaterial {
    const dir = devDir();
    const ca = JSON.parse(readOrCreate(path.join(dir, 'ca.json'), createCa)) as { certPem: string; keyPem: string };
    const caPath = path.join(dir, 'ca.pem');
    readOrCreate(caPath, () => ca.certPem);
    const server = JSON.parse(readOrCreate(path.join(dir, 'localhost.json'), () => createServerCert(ca))) as {
        certPem: string;
        keyPem: string;
    };
    return { caPem: ca.certPem, caPath, certPem: server.certPem, keyPem: server.keyPem };
}
