/**
 * Child process of bench:startup: loads one app's function modules the way the worker does (`@azure/functions-core`
 * shimmed, every `package.json` `main` file required) and prints `{ "loadMs", "cpuMs", "functions" }` as its last
 * line. With `--packages` (plain tsc output only) it also builds the handler of a cancel, as its first call would,
 * and adds what each package cost at load and at that first use.
 * Usage: `node dist/bench/startup/loadOnce.js <app root> [--packages]`.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CoreApiState, installCoreApi } from '../../dev/host/coreApi';
import { loadApp } from '../../dev/host/loadApp';
import type * as FirstUseCode from '../../src/composition/firstUseCode';
import { trackPackageCosts } from './packageCosts';

/** The route whose first call is measured: the cancel of a meeting in the caller's own calendar. */
const cancelRoute = 'cancelEvent-me-events';

const root = process.argv[2];
if (!root) throw new Error('usage: loadOnce.js <app root> [--packages]');
const packages = process.argv.includes('--packages') ? trackPackageCosts() : undefined;
const state = new CoreApiState();
installCoreApi(state);
const startedAt = performance.now();
const cpuAtStart = process.cpuUsage();
const files = loadApp(root);
const loadMs = performance.now() - startedAt;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
const figures: Record<string, unknown> = { loadMs, cpuMs, files: files.length, functions: state.functions.size };
if (packages) {
    figures.atLoad = packages.take();
    const firstUseAt = performance.now();
    // The tsc output's own module: the one that functions/*.js required, so the same module cache.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time
    const { firstUseCode } = require(
        path.join(root, 'dist', 'src', 'composition', 'firstUseCode.js'),
    ) as typeof FirstUseCode;
    firstUseCode().httpRouteHandler(cancelRoute);
    figures.firstUseMs = performance.now() - firstUseAt;
    figures.atFirstUse = packages.take();
}
console.log(JSON.stringify(figures));
