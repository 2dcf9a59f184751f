import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { httpRoutes } from '../../src/http/routes/manifest';
import { repoRoot } from '../paths';

/**
 * `src/http/routes/routeList.ts`: the manifest's names, templates and methods, all that `functions/httpRoutes.ts`
 * needs to register the routes at load (docs/architecture.md, "Cold start"). The manifest itself (handlers, zod
 * schemas) is loaded on the first call. test/unit/routeList.test.ts checks the file is what this writes now.
 * Regenerate: `npm run build && node dist/dev/routes/generateRouteList.js`.
 */
export const routeListPath = path.join(repoRoot, 'src', 'http', 'routes', 'routeList.ts');

/** Prettier's own layout (printWidth 120, single quotes), so the file passes `prettier --check` as written. */
const printWidth = 120;
const quoted = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function entryLines(route: { name: string; template: string; method: string }): string[] {
    const fields = [
        `name: ${quoted(route.name)}`,
        `template: ${quoted(route.template)}`,
        `method: ${quoted(route.method)}`,
    ];
    const oneLine = `    { ${fields.join(', ')} },`;
    if (oneLine.length <= printWidth) return [oneLine];
    const fieldLines = fields.map((field) => {
        const line = `        ${field},`;
        if (line.length <= printWidth) return [line];
        const [key, value] = [field.slice(0, field.indexOf(': ')), field.slice(field.indexOf(': ') + 2)];
        return [`        ${key}:`, `            ${value},`];
    });
    return ['    {', ...fieldLines.flat(), '    },'];
}

export function renderRouteList(): string {
    const entries = httpRoutes.flatMap(entryLines);
    return [
        '// Generated from src/http/routes/manifest.ts by dev/routes/generateRouteList.ts: do not edit. Regenerate with',
        '// `npm run build && node dist/dev/routes/generateRouteList.js` (test/unit/routeList.test.ts checks it).',
        "import type { HttpMethod } from '@azure/functions';",
        '',
        '/** What registering an HTTP route needs at load: its function name, route template and method. */',
        'export interface RouteRegistration {',
        '    readonly name: string;',
        '    readonly template: string;',
        '    readonly method: HttpMethod;',
        '}',
        '',
        '/** Every route of the manifest, in its order. */',
        'export const routeRegistrations: readonly RouteRegistration[] = [',
        ...entries,
        '];',
        '',
    ].join('\n');
}

if (require.main === module) {
    writeFileSync(routeListPath, renderRouteList());
    console.log(`wrote ${path.relative(repoRoot, routeListPath)}`);
}
