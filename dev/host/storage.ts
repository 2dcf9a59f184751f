import { HostConfigError, getSetting } from './settings';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const developmentStorage =
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
    'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;' +
    'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1';

/** Expands `UseDevelopmentStorage=true` into the explicit Azurite connection string. */
export function expandConnectionString(value: string): string {
    return /^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(value) ? developmentStorage : value;
}

/**
 * Resolves a binding's `connection` the way the storage extension does: the setting named by
 * `connection` (default `AzureWebJobsStorage`), then `AzureWebJobs<connection>`. Identity-based
 * connections (`<name>__queueServiceUri`) are not supported by the local host.
 */
export function resolveStorageConnection(
    connection: string | null | undefined,
    env: NodeJS.ProcessEnv = process.env,
): string {
    const name = connection && connection.trim() !== '' ? connection : 'AzureWebJobsStorage';
    const value = getSetting(name, env) ?? getSetting(`AzureWebJobs${name}`, env);
    if (value !== undefined && value.trim() !== '') return expandConnectionString(value);
    if (getSetting(`${name}__queueServiceUri`, env) ?? getSetting(`${name}__serviceUri`, env)) {
        throw new HostConfigError(
            `Connection '${name}' is identity-based (__queueServiceUri/__serviceUri); the local host needs a connection string`,
        );
    }
    throw new HostConfigError(`Storage connection setting '${name}' is missing or empty`);
}
