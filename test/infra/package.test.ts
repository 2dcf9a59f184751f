import { execFileSync, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const repoRoot = path.join(__dirname, '..', '..');

/**
 * What `azd package` does for the `api` service (azure-dev `framework_service_node.go`): the service's `prepackage`
 * hook, then `npm run build`, then it zips the `dist` folder of azure.yaml as it finds it. Reproduced on a copy of the
 * tracked files (a fresh clone: no dist/), with node_modules linked in.
 */
describe('azd packaging, reproduced from a clean checkout', () => {
    const yaml = readFileSync(path.join(repoRoot, 'azure.yaml'), 'utf8');
    const dist = /^\s+dist: (\S+)$/m.exec(yaml)?.[1] ?? '';
    const hook = /prepackage:[\s\S]*?posix:\s+run: (.+)$/m.exec(yaml)?.[1]?.trim() ?? '';
    let clone = '';

    beforeAll(() => {
        clone = mkdtempSync(path.join(tmpdir(), 'cancel-gateway-package-'));
        const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' })
            .split('\0')
            .filter((file) => file !== '' && existsSync(path.join(repoRoot, file)));
        for (const file of tracked) {
            mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
            cpSync(path.join(repoRoot, file), path.join(clone, file));
        }
        symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'junction');
    });

    afterAll(() => {
        if (clone !== '') rmSync(clone, { recursive: true, force: true });
    });

    const npm = (args: string[]) => {
        const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
            cwd: clone,
            encoding: 'utf8',
            shell: process.platform === 'win32',
        });
        expect({ args, status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
            args,
            status: 0,
            stderr: '',
        });
    };

    it('the hook, then npm run build, leave a deployable bundle in the dist folder azure.yaml names', () => {
        expect(dist).toBe('dist/bundle');
        expect(hook).toBe('npm run package');
        expect(existsSync(path.join(clone, 'dist'))).toBe(false);
        npm(['run', '--silent', ...hook.split(' ').slice(2)]);
        npm(['run', '--silent', 'build']); // azd's own step, after the hook: it must not disturb the bundle
        const bundle = path.join(clone, dist);
        const manifest = JSON.parse(readFileSync(path.join(bundle, 'package.json'), 'utf8')) as { main: string };
        // The Node worker loads the files `main` names: functions/*.js must match the bundle's entry.
        expect(manifest.main).toBe('functions/*.js');
        expect(readdirSync(path.join(bundle, 'functions')).filter((file) => file.endsWith('.js'))).toEqual([
            'index.js',
        ]);
        expect(existsSync(path.join(bundle, 'host.json'))).toBe(true);
        expect(existsSync(path.join(bundle, 'telemetry', 'otel.js'))).toBe(true);
        expect(existsSync(path.join(bundle, 'chunks', 'firstUse.js'))).toBe(true);
    }, 240_000);

    const requiredBy = (file: string): Set<string> => {
        const code = readFileSync(path.join(clone, dist, file), 'utf8');
        return new Set([...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1] ?? ''));
    };
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    const outsideNode = (required: Set<string>): string[] => [...required].filter((name) => !builtins.has(name)).sort();

    it('the bundle needs no node_modules: it requires only Node built-ins, the worker and its own chunks', () => {
        const entry = requiredBy('functions/index.js');
        const firstUse = requiredBy('chunks/firstUse.js');
        expect(outsideNode(entry)).toEqual(['../chunks/firstUse.js', '../telemetry/otel.js', '@azure/functions-core']);
        expect(outsideNode(firstUse)).toEqual([]);
        // @azure/core-tracing is inlined, so the distro's require hook never sees it: no Azure SDK (Storage) spans
        // from the bundle. docs/deploy.md says so; change both together.
        expect(entry.has('@azure/core-tracing') || firstUse.has('@azure/core-tracing')).toBe(false);
    });

    it('the entry holds what registration needs; the SDKs, jose and the HTTP manifest load on first use', () => {
        const entry = readFileSync(path.join(clone, dist, 'functions', 'index.js'), 'utf8');
        const firstUse = readFileSync(path.join(clone, dist, 'chunks', 'firstUse.js'), 'utf8');
        // esbuild names each bundled file in a comment: `// node_modules/jose/…`, `// src/http/routes/manifest.ts`.
        const lateModules = [
            /node_modules\/jose\//,
            /node_modules\/@azure\/data-tables\//,
            /src\/http\/routes\/manifest\.ts/,
        ];
        for (const module of lateModules) {
            expect({ module: String(module), inEntry: module.test(entry) }).toEqual({
                module: String(module),
                inEntry: false,
            });
            expect({ module: String(module), inFirstUse: module.test(firstUse) }).toEqual({
                module: String(module),
                inFirstUse: true,
            });
        }
    });
});
