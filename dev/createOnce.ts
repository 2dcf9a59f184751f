import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Reads `file`, creating it first with `create()` when it does not exist. Several processes may start at
 * once (emulator, host, token CLI), so the file is written with an exclusive rename and whoever loses the
 * race reads the winner's file.
 */
export function readOrCreate(file: string, create: () => string): string {
    try {
        return fs.readFileSync(file, 'utf8');
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temp, create(), { mode: 0o600 });
    try {
        fs.linkSync(temp, file);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
        fs.unlinkSync(temp);
    }
    return fs.readFileSync(file, 'utf8');
}
