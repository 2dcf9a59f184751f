/**
 * Child process of bench:startup: loads one app's function modules the way the worker does (`@azure/functions-core`
 * shimmed, every `package.json` `main` file required) and prints `{ "loadMs", "functions" }` as its last line.
 * Usage: `node dist/bench/startup/loadOnce.js <app root>`.
 */
import { performance } from 'node:perf_hooks';
import { CoreApiState, installCoreApi } from '../../dev/host/coreApi';
import { loadApp } from '../../dev/host/loadApp';

const root = process.argv[2];
if (!root) throw new Error('usage: loadOnce.js <app root>');
const state = new CoreApiState();
installCoreApi(state);
const startedAt = performance.now();
const files = loadApp(root);
const loadMs = performance.now() - startedAt;
console.log(JSON.stringify({ loadMs, files: files.length, functions: state.functions.size }));
