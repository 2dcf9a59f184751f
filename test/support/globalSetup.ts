import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, type RunningAzurite, startAzurite } from '../../dev/azurite';
import { loadSigningKeys } from '../../dev/identity/signingKeys';
import { ensureDevTls } from '../../dev/tls/devCa';

declare global {
    var __azurite__: RunningAzurite | undefined;
}

/**
 * Starts one in-memory Azurite on free ports for the whole run, so tests never touch a developer's running stack,
 * and makes sure the dev CA and signing keys exist. Workers inherit the environment. The integration and e2e tiers
 * both name this setup; when both run, Jest calls it twice and the second call keeps the first Azurite.
 */
export default async function globalSetup(): Promise<void> {
    const trusted = process.env.NODE_EXTRA_CA_CERTS;
    const caExisted = trusted !== undefined && fs.existsSync(trusted);
    const { caPath } = ensureDevTls();
    loadSigningKeys();
    if (!caExisted || path.resolve(trusted) !== path.resolve(caPath)) {
        throw new Error(
            `integration and e2e tests must trust the dev CA (${caPath}) from start-up, as Node reads ` +
                `NODE_EXTRA_CA_CERTS only then: run them through \`node test/support/runJest.js …\` (npm test does)`,
        );
    }
    if (globalThis.__azurite__) return;
    const azurite = await startAzurite({
        blobPort: await freePort(),
        queuePort: await freePort(),
        tablePort: await freePort(),
    });
    globalThis.__azurite__ = azurite;
    process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
}
