import * as fs from 'node:fs';
import * as path from 'node:path';
import { type DevSigningKey, loadSigningKeys, newSigningKey } from '../identity/signingKeys';
import { devDir } from '../paths';

/**
 * The dev signing keys, read from `.dev/signing-keys.json` on every use (the file is small) so that the token
 * CLI, the emulator and the gateway always agree, even after a rotation by another process.
 */
export function currentKeys(): DevSigningKey[] {
    return loadSigningKeys();
}

export function signingKey(): DevSigningKey {
    const key = currentKeys()[0];
    if (!key) throw new Error('no development signing key');
    return key;
}

/** Adds a new key that signs from now on (first in the file); keeps the old ones unless `dropOld`. */
export function rotateKeys(dropOld: boolean): DevSigningKey[] {
    const fresh = newSigningKey();
    const keys = dropOld ? [fresh] : [fresh, ...currentKeys()];
    const file = path.join(devDir(), 'signing-keys.json');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(keys), { mode: 0o600 });
    fs.renameSync(temp, file);
    return keys;
}
