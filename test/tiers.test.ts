import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../dev/paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the tier list is CommonJS, for jest.config.js
const { testFiles, testTiers } = require('./support/tiers') as {
    testFiles: (rootDir: string) => string[];
    testTiers: (rootDir: string) => Record<'unit' | 'integration' | 'e2e', string[]>;
};

/** What a test starts, read from its source: the markers decide the cheapest tier it can run in. */
const startsHostOrDist = /\b(useLocalStack|startLocalStack|startHostProcess|runChaos)\b|['"]dist\//;
const usesAzuriteOrEmulator =
    /\b(testStorageConnectionString|startGraphEmulator|useEmulator|startEmulator|startAzurite)\b/;
const startsProcess = /(?<![.\w])(spawn|spawnSync|execFile|execFileSync|fork|exec|execSync)\(/;

const tiers = testTiers(repoRoot);
/** This file names the markers without using them. */
const thisFile = 'test/tiers.test.ts';
const source = (file: string): string => readFileSync(path.join(repoRoot, file), 'utf8');

describe('test tiers (test/support/tiers.js, the Jest projects)', () => {
    it('puts every test file in exactly one tier', () => {
        const placed = [...tiers.unit, ...tiers.integration, ...tiers.e2e].sort();
        expect(placed).toEqual(testFiles(repoRoot));
        expect(new Set(placed).size).toBe(placed.length);
    });

    it.each(tiers.unit.filter((file) => file !== thisFile))(
        'unit: %s starts no Azurite, emulator, host or child process',
        (file) => {
            const text = source(file);
            expect(text).not.toMatch(startsHostOrDist);
            expect(text).not.toMatch(usesAzuriteOrEmulator);
            expect(text).not.toMatch(startsProcess);
        },
    );

    it.each(tiers.integration)('integration: %s spawns nothing from dist/ and needs more than unit', (file) => {
        const text = source(file);
        expect(text).not.toMatch(startsHostOrDist);
        expect([usesAzuriteOrEmulator.test(text), startsProcess.test(text)]).toContain(true);
    });

    it.each(tiers.e2e)('e2e: %s starts the host or a script from dist/', (file) => {
        expect(source(file)).toMatch(startsHostOrDist);
    });
});
