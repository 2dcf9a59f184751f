import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { repoRoot } from '../paths';

/**
 * The deployment package: self-contained CommonJS bundle(s) of the function entries (`functions/*.ts`) in
 * `<out>/functions/`, plus `host.json` and a `package.json` whose `main` is `functions/*.js`. No `node_modules`
 * is needed at run time; `.funcignore` keeps everything else out of the zip.
 *
 * Two layouts:
 * - `single` (the default, what `npm run package` deploys): one `functions/index.js` that requires every entry in
 *   name order, so the `@azure/functions` library, the SDKs and the composition root (`getServices()`) exist once,
 *   as with the tsc output.
 * - `per-function` (`--per-function`): one bundle per entry (`functions/httpRoutes.js`, …). Each bundle carries
 *   its own copy of the library, the SDKs and the composition root (11 × ~2.6 MB, 11 service graphs), so it loads
 *   several times slower (bench:startup measures it) and is kept only for comparison.
 *
 * Either way the entries hold only what registration needs (settings, route names, queue names: docs/architecture.md,
 * "Cold start"); what the functions run is the first-use chunk `chunks/firstUse.js` (src/composition/firstUse.ts with
 * the SDKs, jose, the manifest and its schemas), required on the first call of any function.
 *
 * The output lives under `dist/` (`dist/bundle`) so that lint, Prettier and git ignore it like the tsc output.
 */
export const bundleDir = path.join(repoRoot, 'dist', 'bundle');

/**
 * Provided by the Functions Node.js worker at run time, never installed. Optional native add-ons of the SDKs
 * (none are used here; listed so a transitive optional import cannot break the build).
 */
const externals = ['@azure/functions-core', 'keytar', '@azure/msal-node-extensions', 'dtrace-provider'];

const commonOptions = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: externals,
    // The library's own minified build (it ships one beside its main file): a third of the source for V8 to compile
    // at every cold start. esbuild follows the source map the package ships, so its frames still map to its sources.
    alias: { '@azure/functions': '@azure/functions/dist/azure-functions.min.js' },
    // Some SDK packages resolve to their ESM builds, which read `import.meta.url` (createRequire, __dirname):
    // point it at the bundle file itself, as it would be for an unbundled CommonJS module.
    banner: { js: "const __bundleMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__bundleMetaUrl' },
    sourcemap: 'linked',
    // Stack traces keep our names; the code is not minified so App Insights exceptions stay readable.
    minify: false,
    legalComments: 'linked',
    logLevel: 'warning',
} satisfies BuildOptions;

export type BundleLayout = 'single' | 'per-function';

/**
 * The OpenTelemetry stack (`src/observability/telemetry.ts` loads it only when Application Insights is configured) is
 * bundled on its own into `telemetry/otel.js`: inside the function bundle it would double its size, and every cold
 * start would parse it whether telemetry is on or not. The managed identity that signs telemetry in comes from the
 * same chunk: telemetry.ts's own `require('@azure/identity')` would otherwise put the identity SDK in the entry.
 */
const telemetryPackages = /^(@azure\/monitor-opentelemetry|@opentelemetry\/instrumentation-undici)$/;
const telemetryChunk = 'telemetry/otel.js';

const telemetryAsSeparateChunk: Plugin = {
    name: 'telemetry-as-separate-chunk',
    setup(build) {
        build.onResolve({ filter: telemetryPackages }, () => ({ path: `../${telemetryChunk}`, external: true }));
        build.onResolve({ filter: /^@azure\/identity$/ }, (args) =>
            /[\\/]src[\\/]observability[\\/]telemetry\.ts$/.test(args.importer)
                ? { path: `../${telemetryChunk}`, external: true }
                : undefined,
        );
    },
};

/**
 * `src/composition/firstUseCode.ts` requires `./firstUse` on the first call of a function: in the bundle that
 * require names the first-use chunk, built on its own (below), so the worker parses it only when a function runs.
 */
const firstUseChunk = 'chunks/firstUse.js';

const firstUseAsSeparateChunk: Plugin = {
    name: 'first-use-as-separate-chunk',
    setup(build) {
        build.onResolve({ filter: /^\.\/firstUse$/ }, (args) =>
            /[\\/]src[\\/]composition[\\/]firstUseCode\.ts$/.test(args.importer)
                ? { path: `../${firstUseChunk}`, external: true }
                : undefined,
        );
    },
};

/**
 * zod's namespace re-exports every locale (`z.locales`, ~40 languages); the gateway's messages are English (zod's
 * default), so the bundle keeps `en` only. The tsc output loads them all from node_modules.
 */
const zodEnglishOnly: Plugin = {
    name: 'zod-english-only',
    setup(build) {
        build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/ }, (args) => ({
            contents: args.path.endsWith('.cjs')
                ? 'exports.en = require("./en.cjs").default;'
                : 'export { default as en } from "./en.js";',
            loader: 'js',
            resolveDir: path.dirname(args.path),
        }));
    },
};

async function bundleFirstUseChunk(outDir: string): Promise<Metafile> {
    const result = await build({
        absWorkingDir: repoRoot,
        entryPoints: [path.join(repoRoot, 'src', 'composition', 'firstUse.ts')],
        outfile: path.join(outDir, firstUseChunk),
        ...commonOptions,
        plugins: [telemetryAsSeparateChunk, zodEnglishOnly],
        metafile: true,
    });
    return result.metafile;
}

async function bundleTelemetryChunk(outDir: string): Promise<void> {
    await build({
        absWorkingDir: repoRoot,
        stdin: {
            contents:
                "module.exports = { ...require('@azure/monitor-opentelemetry'), " +
                "...require('@opentelemetry/instrumentation-undici'), " +
                "ManagedIdentityCredential: require('@azure/identity').ManagedIdentityCredential };",
            resolveDir: repoRoot,
            sourcefile: 'telemetry/otel.js',
        },
        outfile: path.join(outDir, telemetryChunk),
        ...commonOptions,
    });
}

export async function bundle(
    outDir = bundleDir,
    layout: BundleLayout = 'single',
    options: { quiet?: boolean } = {},
): Promise<void> {
    const info = options.quiet ? () => undefined : (line: string) => console.info(line);
    const entryPoints = fs
        .readdirSync(path.join(repoRoot, 'functions'))
        .filter((name) => name.endsWith('.ts'))
        .sort()
        .map((name) => path.join(repoRoot, 'functions', name));
    fs.rmSync(outDir, { recursive: true, force: true });
    const entries =
        layout === 'per-function'
            ? { entryPoints }
            : {
                  stdin: {
                      contents: entryPoints
                          .map((file) => `import './${path.relative(repoRoot, file).replace(/\\/g, '/')}';`)
                          .join('\n'),
                      resolveDir: repoRoot,
                      sourcefile: 'functions/index.ts',
                      loader: 'ts' as const,
                  },
                  outfile: path.join(outDir, 'functions', 'index.js'),
              };
    const result = await build({
        absWorkingDir: repoRoot,
        ...entries,
        ...(layout === 'per-function' ? { outdir: path.join(outDir, 'functions') } : {}),
        ...commonOptions,
        plugins: [telemetryAsSeparateChunk, firstUseAsSeparateChunk, zodEnglishOnly],
        metafile: true,
    });
    const firstUse = await bundleFirstUseChunk(outDir);
    await bundleTelemetryChunk(outDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        engines?: unknown;
    };
    const packageJson = {
        name: manifest.name,
        version: manifest.version,
        private: true,
        main: 'functions/*.js',
        engines: manifest.engines,
    };
    fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify(packageJson, null, 4) + '\n');
    fs.copyFileSync(path.join(repoRoot, 'host.json'), path.join(outDir, 'host.json'));
    fs.copyFileSync(path.join(repoRoot, '.funcignore'), path.join(outDir, '.funcignore'));
    for (const [file, output] of [...Object.entries(result.metafile.outputs), ...Object.entries(firstUse.outputs)]) {
        if (!file.endsWith('.js')) continue;
        info(`${path.relative(repoRoot, path.join(repoRoot, file))}: ${(output.bytes / 1024).toFixed(0)} KiB`);
    }
    info(`bundle (${layout}): ${entryPoints.length} entries in ${path.relative(process.cwd(), outDir) || '.'}`);
}

if (require.main === module) {
    const perFunction = process.argv.includes('--per-function');
    bundle(bundleDir, perFunction ? 'per-function' : 'single').catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
