import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { type DeclaredType, type DeclaredTypes, flatten, type FlattenedType, readCsdl } from './csdl';
import { repoRoot } from '../paths';

/*
 * Regenerates test/fixtures/graphMetadata.json: the property lists of the Graph types the emulator serves, taken from
 * Graph's published metadata (github.com/microsoftgraph/msgraph-metadata), for the conformance test
 * (test/emulator/metadata.test.ts). A development tool: nothing in src/ uses it.
 *
 *   npx tsc -p tsconfig.build.json
 *   node dist/dev/metadata/extractGraphMetadata.js --git-dir <msgraph-metadata .git dir> [--commit <sha>]
 *
 * Each version is read from `clean_{v10,beta}_metadata/cleanMetadata.xml` at the commit. A clone that lacks that
 * blob (a partial clone leaves out the largest files) falls back to the same commit's
 * `schemas/type-mappings/{version}-{entity,complex}-types.json` (Microsoft's own member lists of
 * `schemas/{version}-Prod.csdl`, which cleanMetadata is made from; they give no base types), with the BaseType chains
 * read from the newest cleanMetadata.xml of that version the clone does hold. The fixture names every file it used.
 */

export const fixturePath = path.join(repoRoot, 'test', 'fixtures', 'graphMetadata.json');

/** The types the emulator returns and the conformance test checks. */
export const checkedTypes = [
    'event',
    'bookingAppointment',
    'bookingCustomerInformation',
    'attendee',
    'user',
    'calendar',
] as const;

const versions = { 'v1.0': 'clean_v10_metadata', beta: 'clean_beta_metadata' } as const;
type Version = keyof typeof versions;

interface SourceFile {
    readonly path: string;
    readonly commit: string;
    readonly use: string;
}

function git(gitDir: string, args: string[]): string | undefined {
    try {
        return execFileSync('git', ['--git-dir', gitDir, ...args], {
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
            stdio: ['ignore', 'pipe', 'ignore'],
        });
    } catch {
        return undefined;
    }
}

function show(gitDir: string, commit: string, file: string): string | undefined {
    return git(gitDir, ['show', `${commit}:${file}`]);
}

type TypeMappings = Record<string, Record<string, { properties?: string[]; navigationProperties?: string[] }>>;

/** Members from the type-mappings files, base types from the newest cleanMetadata.xml the clone holds. */
function readFallback(gitDir: string, commit: string, version: Version, cleanPath: string) {
    const sources: SourceFile[] = [];
    const members = new Map<string, Omit<DeclaredType, 'baseType'>>();
    for (const kind of ['entity', 'complex'] as const) {
        const file = `schemas/type-mappings/${version}-${kind}-types.json`;
        const text = show(gitDir, commit, file);
        if (text === undefined) throw new Error(`neither ${cleanPath} nor ${file} is readable at ${commit}`);
        sources.push({ path: file, commit, use: `declared ${kind} type members` });
        for (const [name, type] of Object.entries((JSON.parse(text) as TypeMappings)['microsoft.graph'] ?? {})) {
            members.set(name, {
                kind,
                properties: type.properties ?? [],
                navigationProperties: type.navigationProperties ?? [],
            });
        }
    }
    const history = git(gitDir, ['log', '--format=%H', commit, '--', cleanPath])?.split('\n').filter(Boolean) ?? [];
    for (const older of history) {
        const xml = show(gitDir, older, cleanPath);
        if (xml === undefined) continue;
        const hierarchy = readCsdl(xml);
        sources.push({ path: cleanPath, commit: older, use: 'BaseType chains' });
        const types = new Map<string, DeclaredType>();
        for (const [name, type] of members) types.set(name, { ...type, baseType: hierarchy.get(name)?.baseType });
        return { types: types as DeclaredTypes, sources };
    }
    throw new Error(`no readable ${cleanPath} in the history of ${commit} for the BaseType chains`);
}

function readVersion(gitDir: string, commit: string, version: Version) {
    const cleanPath = `${versions[version]}/cleanMetadata.xml`;
    const xml = show(gitDir, commit, cleanPath);
    if (xml !== undefined) {
        return { types: readCsdl(xml), sources: [{ path: cleanPath, commit, use: 'types, members and BaseType' }] };
    }
    console.warn(`${cleanPath} is not readable at ${commit}: using the type-mappings files`);
    return readFallback(gitDir, commit, version, cleanPath);
}

export interface GraphMetadataFixture {
    readonly repository: string;
    readonly commit: string;
    readonly commitDate: string;
    readonly generatedBy: string;
    readonly versions: Record<
        Version,
        { readonly sources: readonly SourceFile[]; readonly types: Record<string, FlattenedType> }
    >;
}

export function extract(gitDir: string, commitish: string): GraphMetadataFixture {
    const commit = git(gitDir, ['rev-parse', `${commitish}^{commit}`])?.trim();
    if (!commit) throw new Error(`${commitish} is not a commit of ${gitDir}`);
    const commitDate = git(gitDir, ['show', '-s', '--format=%cI', commit])?.trim() ?? '';
    const perVersion = (version: Version) => {
        const { types, sources } = readVersion(gitDir, commit, version);
        return {
            sources,
            types: Object.fromEntries(checkedTypes.map((name) => [name, flatten(types, name)])),
        };
    };
    return {
        repository: 'microsoftgraph/msgraph-metadata',
        commit,
        commitDate,
        generatedBy: 'dev/metadata/extractGraphMetadata.ts',
        versions: { 'v1.0': perVersion('v1.0'), beta: perVersion('beta') },
    };
}

async function main(argv: readonly string[]): Promise<void> {
    const option = (name: string) => {
        const at = argv.indexOf(name);
        return at >= 0 ? argv[at + 1] : undefined;
    };
    const gitDir = option('--git-dir');
    if (!gitDir) throw new Error('usage: extractGraphMetadata --git-dir <msgraph-metadata git dir> [--commit <sha>]');
    const fixture = extract(gitDir, option('--commit') ?? 'HEAD');
    const options = (await resolveConfig(fixturePath)) ?? {};
    writeFileSync(fixturePath, await format(JSON.stringify(fixture), { ...options, filepath: fixturePath }));
    console.log(`wrote ${path.relative(repoRoot, fixturePath)} from ${fixture.commit}`);
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((error: unknown) => {
        console.error((error as Error).message);
        process.exitCode = 1;
    });
}
