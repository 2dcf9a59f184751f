import Module, { builtinModules } from 'node:module';
import { performance } from 'node:perf_hooks';

/** What loading one package (or the app's own files) cost in one phase: its own module code, its dependencies apart. */
export interface PackageCost {
    readonly name: string;
    readonly selfMs: number;
}

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;
type ResolveFilename = (request: string, parent: unknown, isMain: boolean) => string;

const appCode = '(the app: src, functions)';
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/** `…/node_modules/@azure/data-tables/dist/…` → `@azure/data-tables`; a file outside node_modules is the app's. */
function packageOf(file: string): string {
    const parts = file.replace(/\\/g, '/').split('/node_modules/');
    if (parts.length < 2) return appCode;
    const [scope = '', name = ''] = (parts.at(-1) ?? '').split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
}

/**
 * Times every first load of a module through `Module._load` (plain tsc output: every package is its own files) and
 * charges each package its own time, the packages it requires apart. `take()` returns the costs since the last
 * `take()`, most expensive first: one call after the load, one after the first use.
 */
export function trackPackageCosts(): { take(): PackageCost[] } {
    const moduleInternals = Module as unknown as { _load: ModuleLoad; _resolveFilename: ResolveFilename };
    const originalLoad = moduleInternals._load;
    const selfMs = new Map<string, number>();
    const stack: { name: string; startedAt: number; childrenMs: number }[] = [];
    moduleInternals._load = function (this: unknown, request, parent, isMain) {
        let file: string | undefined;
        try {
            file = builtins.has(request) ? undefined : moduleInternals._resolveFilename(request, parent, isMain);
        } catch {
            file = undefined; // let the original load report it
        }
        const caller = stack.at(-1);
        const name = file === undefined ? undefined : packageOf(file);
        const cached = file === undefined || file in require.cache;
        if (cached || name === undefined || name === caller?.name) {
            return originalLoad.call(this, request, parent, isMain);
        }
        const frame = { name, startedAt: performance.now(), childrenMs: 0 };
        stack.push(frame);
        try {
            return originalLoad.call(this, request, parent, isMain);
        } finally {
            stack.pop();
            const totalMs = performance.now() - frame.startedAt;
            selfMs.set(name, (selfMs.get(name) ?? 0) + totalMs - frame.childrenMs);
            if (caller) caller.childrenMs += totalMs;
        }
    };
    return {
        take() {
            const costs = [...selfMs].map(([name, ms]) => ({ name, selfMs: ms })).sort((a, b) => b.selfMs - a.selfMs);
            selfMs.clear();
            return costs;
        },
    };
}
