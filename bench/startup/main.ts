/**
 * bench:startup — how long the worker takes to load every function module (issue 6, "Packaging"): the esbuild
 * bundles (`dist/bundle`, `npm run package`) against the plain tsc output (`dist/functions/*.js` + node_modules).
 *
 * Each run is a fresh `node` process (cold module cache, warm OS file cache) that shims `@azure/functions-core` as
 * the worker does, sets the app settings of local.settings.sample.json and requires every `main` file; the time
 * measured is from the first require to the last registration (module load + composition root), plus the
 * process's wall time from spawn to exit. Runs alternate between the two builds after one discarded warm-up each.
 * Prints the machine first and the figures as the last lines.
 * Run: `npm run bench:startup -- [--runs N]` (it runs `npm run package` first, as bench:gateway builds what it needs;
 * the bundle is also rebuilt here when it is missing, for `node dist/bench/startup/main.js` run on its own).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bundle, bundleDir } from '../../dev/package/bundle';
import { repoRoot } from '../../dev/paths';
import { describeMachine } from '../reconcile/machine';
import type { PackageCost } from './packageCosts';

interface Sample {
    readonly loadMs: number;
    /** CPU time of the child during the load (user + system): less disturbed than wall time on a shared machine. */
    readonly cpuMs: number;
    readonly wallMs: number;
    readonly functions: number;
}

interface Variant {
    readonly name: string;
    readonly root: string;
    readonly samples: Sample[];
}

interface Figure {
    readonly variant: Variant;
    readonly loadMedian: number;
    readonly loadP90: number;
    readonly cpuMedian: number;
    readonly wallMedian: number;
    readonly wallP90: number;
    readonly functions: number;
}

const defaultRuns = 15;
/** Issue 19, goal 3: the deployed bundle loads at least this many times faster than the plain tsc output… */
const goalRatio = 2.5;
/** …and in less than this, on the project's 2-core machine. */
const goalLoadMs = 150;
/** How many packages the cost table lists, at load and at first use. */
const topPackages = 8;
const loader = path.join(__dirname, 'loadOnce.js');

function parseRuns(argv: readonly string[]): number {
    const index = argv.indexOf('--runs');
    if (index === -1) return defaultRuns;
    const runs = Number(argv[index + 1]);
    if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');
    return runs;
}

function appSettings(): Record<string, string> {
    const file = path.join(repoRoot, 'local.settings.sample.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { Values: Record<string, string> }).Values;
}

function runOnce(root: string, env: NodeJS.ProcessEnv): Sample {
    const startedAt = performance.now();
    const child = spawnSync(process.execPath, [loader, root], { env, encoding: 'utf8' });
    const wallMs = performance.now() - startedAt;
    if (child.status !== 0) throw new Error(`loading ${root} failed (exit ${child.status}):\n${child.stderr}`);
    const last = child.stdout.trim().split('\n').at(-1) ?? '';
    const { loadMs, cpuMs, functions } = JSON.parse(last) as { loadMs: number; cpuMs: number; functions: number };
    return { loadMs, cpuMs, wallMs, functions };
}

interface PackageFigures {
    readonly firstUseMs: number;
    readonly atLoad: PackageCost[];
    readonly atFirstUse: PackageCost[];
}

/** One extra child on the plain tsc output, timing each package's first load (see packageCosts.ts). */
function packageCosts(env: NodeJS.ProcessEnv): PackageFigures {
    const child = spawnSync(process.execPath, [loader, repoRoot, '--packages'], { env, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`profiling packages failed (exit ${child.status}):\n${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as PackageFigures;
}

function printPackages(phase: string, costs: readonly PackageCost[]): void {
    const shown = costs.slice(0, topPackages).map((cost) => `${cost.name} ${cost.selfMs.toFixed(1)}`);
    const total = costs.reduce((sum, cost) => sum + cost.selfMs, 0);
    console.log(`top packages ${phase} (plain tsc, own ms, ${total.toFixed(0)} ms in all): ${shown.join(', ')}`);
}

function quantile(values: readonly number[], q: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[index] ?? Number.NaN;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
    const runs = parseRuns(process.argv.slice(2));
    console.log(describeMachine());
    const perFunctionDir = path.join(repoRoot, 'dist', 'bundle-per-function');
    // `npm run bench:startup` packages first; run directly on a fresh clone, build the deployed bundle here.
    if (!fs.existsSync(path.join(bundleDir, 'package.json'))) await bundle(bundleDir, 'single', { quiet: true });
    // The per-function layout is built here, for comparison only (npm run package deploys the single bundle).
    await bundle(perFunctionDir, 'per-function', { quiet: true });
    const variants: Variant[] = [
        { name: 'bundled, single (dist/bundle, deployed)', root: bundleDir, samples: [] },
        { name: 'bundled, one per function', root: perFunctionDir, samples: [] },
        { name: 'plain tsc (dist/functions + node_modules)', root: repoRoot, samples: [] },
    ];
    // The app's own settings, not the caller's: a stray AzureWebJobsStorage or GRAPH_* must not change the load.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: 'production', ...appSettings() };
    for (const variant of variants) runOnce(variant.root, env); // warm-up: OS file cache
    for (let run = 0; run < runs; run++) {
        for (const variant of variants) variant.samples.push(runOnce(variant.root, env));
    }
    const figures = variants.map((variant): Figure => {
        const load = variant.samples.map((s) => s.loadMs);
        const wall = variant.samples.map((s) => s.wallMs);
        return {
            variant,
            loadMedian: quantile(load, 0.5),
            loadP90: quantile(load, 0.9),
            cpuMedian: quantile(
                variant.samples.map((s) => s.cpuMs),
                0.5,
            ),
            wallMedian: quantile(wall, 0.5),
            wallP90: quantile(wall, 0.9),
            functions: variant.samples[0]?.functions ?? 0,
        };
    });
    const [single, perFunction, plain] = figures as [Figure, Figure, Figure];
    console.log(
        `runs: ${runs} per build, alternating, each a fresh node process; times in the child: require → registered`,
    );
    if (new Set(figures.map((f) => f.functions)).size !== 1) {
        // Not fatal: the tree may be mid-change (a function built by tsc but not yet packaged, or the reverse).
        console.log(`warning: the builds register different numbers of functions`);
    }
    for (const f of figures) {
        console.log(
            `${f.variant.name}: load median ${ms(f.loadMedian)}, p90 ${ms(f.loadP90)}, CPU median ${ms(f.cpuMedian)}; ` +
                `process wall median ${ms(f.wallMedian)}, p90 ${ms(f.wallP90)} (${f.functions} functions)`,
        );
    }
    const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
    console.log(
        `ratio plain tsc / single bundle: load median ${ratio(plain.loadMedian, single.loadMedian)}, ` +
            `p90 ${ratio(plain.loadP90, single.loadP90)}, CPU median ${ratio(plain.cpuMedian, single.cpuMedian)}; ` +
            `process wall median ${ratio(plain.wallMedian, single.wallMedian)}`,
    );
    const packages = packageCosts(env);
    printPackages('at load', packages.atLoad);
    printPackages(`at first use (a cancel's handler built: ${ms(packages.firstUseMs)})`, packages.atFirstUse);
    console.log(
        `ratio plain tsc / per-function bundles: load median ${ratio(plain.loadMedian, perFunction.loadMedian)}, ` +
            `p90 ${ratio(plain.loadP90, perFunction.loadP90)}; process wall median ${ratio(plain.wallMedian, perFunction.wallMedian)}`,
    );
    const met = (ok: boolean): string => (ok ? 'met' : 'not met');
    const measuredRatio = plain.loadMedian / single.loadMedian;
    console.log(
        `goal: bundle load >= ${goalRatio}x faster than plain tsc; measured ${measuredRatio.toFixed(2)}x ` +
            `(load medians, CPU ${ratio(plain.cpuMedian, single.cpuMedian)}): ${met(measuredRatio >= goalRatio)}`,
    );
    console.log(
        `goal: bundle load < ${goalLoadMs} ms; measured ${ms(single.loadMedian)} (median; CPU ${ms(single.cpuMedian)}): ` +
            met(single.loadMedian < goalLoadMs),
    );
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
