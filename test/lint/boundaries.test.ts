import { execFileSync } from 'node:child_process';
import { repoRoot } from '../../dev/paths';

/**
 * The dependency rules of docs/architecture.md, checked with the project's own ESLint configuration: each case lints
 * an import placed in a real file of the layer, so the rule that `npm run lint` applies there is the one tested.
 * ESLint loads its flat config with a dynamic import, which Jest's module system does not run, so one child Node
 * process lints every case.
 */
const lintScript = `
const { ESLint } = require('eslint');
const path = require('node:path');
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
(async () => {
    const out = [];
    for (const [file, code] of cases) {
        const [result] = await eslint.lintText(code, { filePath: path.resolve(file) });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
    }
    process.stdout.write(JSON.stringify(out));
})();
`;

function lintImports(cases: readonly (readonly [string, string])[]): string[][] {
    const sources = cases.map(([file, importLine]) => [file, `${importLine}\nexport const used = imported;\n`]);
    const output = execFileSync(process.execPath, ['-e', lintScript, JSON.stringify(sources)], {
        cwd: repoRoot,
        encoding: 'utf8',
    });
    return JSON.parse(output) as string[][];
}

const refused: readonly (readonly [string, string, RegExp])[] = [
    ['src/domain/ports/clock.ts', "import { TableClient as imported } from '@azure/data-tables';", /no SDK/],
    ['src/domain/ports/clock.ts', "import { app as imported } from '@azure/functions';", /no SDK/],
    ['src/domain/ports/clock.ts', "import { handle as imported } from '../../http/handle';", /HTTP edge/],
    [
        'src/domain/ports/clock.ts',
        "import { TableCancellationStore as imported } from '../../adapters/tables/cancellationStore';",
        /adapters/,
    ],
    ['src/http/handle.ts', "import { repoRoot as imported } from '../../dev/paths';", /never import dev/],
    ['functions/httpRoutes.ts', "import { repoRoot as imported } from '../dev/paths';", /never import dev/],
    [
        'dev/graph-emulator/ids.ts',
        "import { Permission as imported } from '../../src/domain/access/permissions';",
        /emulator/,
    ],
    [
        'dev/bulk-cancel/args.ts',
        "import { cancellationJobCreateBody as imported } from '../../src/http/schemas/cancellationJobs';",
        /client of the public jobs API/,
    ],
    [
        'bench/reconcile/tablePart.ts',
        "import { TableCancellationStore as imported } from '../../src/adapters/tables/cancellationStore';",
        /composition root/,
    ],
];

const allowed: readonly (readonly [string, string])[] = [
    ['src/domain/ports/clock.ts', "import { z as imported } from 'zod';"],
    ['src/domain/ports/clock.ts', "import { AppError as imported } from '../../errors/appError';"],
    ['src/http/handle.ts', "import { app as imported } from '@azure/functions';"],
    ['dev/host/main.ts', "import { app as imported } from '@azure/functions';"],
    ['dev/bulk-cancel/wire.ts', "import { z as imported } from 'zod';"],
    [
        'bench/reconcile/tablePart.ts',
        "import { cancellationStoreOn as imported } from '../../src/composition/services';",
    ],
];

describe('npm run lint enforces the dependency rules', () => {
    let errors: string[][] = [];
    beforeAll(() => {
        errors = lintImports([...refused.map(([file, line]) => [file, line] as const), ...allowed]);
    }, 60_000);

    it.each(refused.map((entry, index) => [...entry, index] as const))(
        'refuses in %s: %s',
        (_file, _importLine, why, index) => {
            expect(errors[index]).toEqual([expect.stringMatching(why)]);
        },
    );

    it.each(allowed.map((entry, index) => [...entry, refused.length + index] as const))(
        'allows in %s: %s',
        (_file, _importLine, index) => {
            expect(errors[index]).toEqual([]);
        },
    );
});
