import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { HostConfigError } from './hostConfigError';

function segmentRegex(segment: string): RegExp {
    const source = segment
        .split('')
        .map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
    return new RegExp(`^${source}$`);
}

/** Expands a `package.json` `main` glob (`*`, `?`, `**`) relative to `root`, sorted like the worker's globby. */
export function expandGlob(root: string, pattern: string): string[] {
    const segments = pattern
        .replace(/\\/g, '/')
        .replace(/^\.\//, '')
        .split('/')
        .filter((s) => s !== '' && s !== '.');
    const results: string[] = [];
    const walk = (dir: string, index: number): void => {
        if (index === segments.length) {
            if (fs.existsSync(dir) && fs.statSync(dir).isFile()) results.push(dir);
            return;
        }
        const segment = segments[index]!;
        if (segment === '**') {
            walk(dir, index + 1);
            for (const entry of safeReaddir(dir)) {
                if (entry.isDirectory() && entry.name !== 'node_modules') walk(path.join(dir, entry.name), index);
            }
            return;
        }
        if (!/[*?]/.test(segment)) {
            walk(path.join(dir, segment), index + 1);
            return;
        }
        const regex = segmentRegex(segment);
        for (const entry of safeReaddir(dir)) {
            if (regex.test(entry.name)) walk(path.join(dir, entry.name), index + 1);
        }
    };
    walk(root, 0);
    return [...new Set(results)].sort();
}

function safeReaddir(dir: string): fs.Dirent[] {
    try {
        return fs.readdirSync(dir, { withFileTypes: true });
    } catch {
        return [];
    }
}

/** The entry files of the app, from `<root>/package.json` `main` (a path or a glob). */
export function appEntryFiles(root: string): string[] {
    const packageJsonPath = path.join(root, 'package.json');
    if (!fs.existsSync(packageJsonPath)) throw new HostConfigError(`${packageJsonPath} not found`);
    let main: unknown;
    try {
        main = (JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { main?: unknown }).main;
    } catch (error) {
        throw new HostConfigError(`${packageJsonPath} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof main !== 'string' || main.trim() === '') {
        throw new HostConfigError(
            `${packageJsonPath} has no "main" (the app's entry point or a glob such as dist/functions/*.js)`,
        );
    }
    const files = /[*?]/.test(main) ? expandGlob(root, main) : [require.resolve(path.resolve(root, main))];
    if (files.length === 0)
        throw new HostConfigError(`"main" ${main} in ${packageJsonPath} matches no file (did you build?)`);
    return files;
}

/** Loads every entry file, as the worker does before it indexes functions. */
export function loadApp(root: string): string[] {
    const files = appEntryFiles(root);
    for (const file of files) {
        try {
            createRequire(file)(file);
        } catch (error) {
            const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
            throw new HostConfigError(
                `Worker was unable to load entry point "${path.relative(root, file)}": ${detail}`,
            );
        }
    }
    return files;
}
