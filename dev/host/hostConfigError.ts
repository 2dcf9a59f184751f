/**
 * A configuration problem that stops the host (exit code 1) with a message naming the culprit. On its own so that
 * loading an app (loadApp.ts, bench:startup's child) loads no package the app might load itself, such as zod.
 */
export class HostConfigError extends Error {
    override name = 'HostConfigError';
}
