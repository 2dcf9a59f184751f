import * as path from 'node:path';

/** Repository root, found from this file whether it runs from `dev/` (ts-jest) or `dist/dev/` (compiled). */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

/**
 * Folder for generated development material (CA, TLS and signing keys). Ignored by git; override with
 * `CANCEL_GATEWAY_DEV_DIR` so that parallel test runs can keep their own.
 */
export function devDir(): string {
    return process.env.CANCEL_GATEWAY_DEV_DIR ?? path.join(repoRoot, '.dev');
}
