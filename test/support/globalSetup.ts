import { freePort, type RunningAzurite, startAzurite } from '../../dev/azurite';
import { loadSigningKeys } from '../../dev/identity/signingKeys';
import { ensureDevTls } from '../../dev/tls/devCa';

declare global {
    var __azurite__: RunningAzurite | undefined;
}

/**
 * Starts one in-memory Azurite on free ports for the whole run, so tests never touch a developer's
 * running stack, and makes sure the dev CA and signing keys exist. Workers inherit the environment.
 */
export default async function globalSetup(): Promise<void> {
    ensureDevTls();
    loadSigningKeys();
    const azurite = await startAzurite({
        blobPort: await freePort(),
        queuePort: await freePort(),
        tablePort: await freePort(),
    });
    globalThis.__azurite__ = azurite;
    process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
}
