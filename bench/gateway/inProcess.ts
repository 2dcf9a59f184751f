/**
 * bench:gateway's in-process side: the gateway's cancel handler called in this process, without the development
 * host. What the host registers for `POST /api/{version}/users/{owner}/events/{eventId}/cancel` (`serveRoute` over
 * the composition root's services) gets a real `HttpRequest` (@azure/functions) and an `InvocationContext` whose log
 * lines are dropped (in production the worker sends them to the host over gRPC); storage is the stack's Azurite and
 * Graph the emulator over HTTPS, as for the host. The notifications it queues are not fanned out (no queue
 * listener). The app is loaded from `--app-root`'s build, so a before/after compares the same code as the host runs.
 *
 * Run by main.ts as a child process (its own CPU is the gateway's): reads a plan (JSON file), prints one JSON line.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { applyValuesToEnv, loadSettings } from '../../dev/host/settings';
import type { Services } from '../../src/composition/services';
import type { HttpRoute } from '../../src/http/routes/contract';
import type { serveRoute } from '../../src/http/routes/serveRoute';
import { cancelComment } from './load';
import { type BenchUser, eventId, type Phase } from './mailboxes';

/** What main.ts asks of one in-process run. */
export interface InProcessPlan {
    readonly appRoot: string;
    readonly users: readonly BenchUser[];
    readonly warmup: Phase;
    readonly run: Phase;
    readonly concurrency: number;
}

/** What it answers. */
export interface InProcessResult {
    readonly cancels: number;
    readonly wallMs: number;
    /** Ascending. */
    readonly latenciesMs: number[];
    /** user + system CPU of this process over the measured run, per cancel. */
    readonly cpuMsPerCancel: number;
    readonly failures: string[];
}

const routeName = 'cancelEvent-users-events';

type EdgeHandler = ReturnType<typeof serveRoute>;
function load(appRoot: string): EdgeHandler {
    const appRequire = createRequire(path.join(appRoot, 'dist', 'index.js'));
    const fromApp = <T>(file: string): T => appRequire(path.join(appRoot, 'dist', file)) as T;
    const { getServices } = fromApp<{ getServices: () => Services }>('src/composition/services.js');
    const { httpRoutes } = fromApp<{ httpRoutes: readonly HttpRoute[] }>('src/http/routes/manifest.js');
    const app = fromApp<{ serveRoute: typeof serveRoute }>('src/http/routes/serveRoute.js');
    const route = httpRoutes.find((candidate) => candidate.name === routeName);
    if (route === undefined) throw new Error(`no route ${routeName} in ${appRoot}`);
    return app.serveRoute(route, getServices());
}

async function runPhase(
    handler: EdgeHandler,
    users: readonly BenchUser[],
    phase: Phase,
    concurrency: number,
): Promise<Omit<InProcessResult, 'cpuMsPerCancel'>> {
    const latencies: number[] = [];
    const failures: string[] = [];
    const body = JSON.stringify({ comment: cancelComment });
    let cursor = 0;
    const one = async (i: number): Promise<void> => {
        const user = users[i % users.length]!;
        const id = eventId(phase, i);
        const started = performance.now();
        const request = new HttpRequest({
            url: `http://127.0.0.1/api/v1.0/users/${user.upn}/events/${id}/cancel`,
            method: 'POST',
            headers: { authorization: user.authorization, 'content-type': 'application/json' },
            params: { version: 'v1.0', owner: user.upn, eventId: id },
            body: { string: body },
        });
        const context = new InvocationContext({
            functionName: routeName,
            invocationId: `bench-${phase.tag}-${i}`,
            logHandler: () => undefined,
        });
        const response = await handler(request, context);
        latencies.push(performance.now() - started);
        if (response.status !== 202) failures.push(`${id}: ${response.status} ${JSON.stringify(response.jsonBody)}`);
    };
    const worker = async (): Promise<void> => {
        while (cursor < phase.count) await one(cursor++);
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return {
        cancels: phase.count,
        wallMs: performance.now() - started,
        latenciesMs: latencies.sort((a, b) => a - b),
        failures,
    };
}

/**
 * Runs `plan` in a child process with `env` (the host's settings); resolves with its answer. `cpuProfDir`: the child
 * writes its CPU profile there (`in-process-c<concurrency>.cpuprofile`).
 */
export async function runInProcess(
    plan: InProcessPlan,
    env: NodeJS.ProcessEnv,
    cpuProfDir?: string,
): Promise<InProcessResult> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-in-process-'));
    const planFile = path.join(dir, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(plan));
    try {
        const stdout = await new Promise<string>((resolve, reject) =>
            execFile(
                process.execPath,
                [
                    ...(cpuProfDir === undefined
                        ? []
                        : [
                              '--cpu-prof',
                              `--cpu-prof-dir=${cpuProfDir}`,
                              `--cpu-prof-name=in-process-c${plan.concurrency}.cpuprofile`,
                          ]),
                    __filename,
                    planFile,
                ],
                { env, maxBuffer: 64 * 1024 * 1024 },
                (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
            ),
        );
        const last = stdout.trim().split('\n').pop() ?? '';
        return JSON.parse(last) as InProcessResult;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    const planFile = process.argv[2];
    if (planFile === undefined) throw new Error('usage: inProcess.js <plan.json>');
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as InProcessPlan;
    // The host's settings, as the host applies them (environment first), then the app.
    applyValuesToEnv(loadSettings(plan.appRoot).values);
    const handler = load(plan.appRoot);
    await runPhase(handler, plan.users, plan.warmup, plan.concurrency);
    const before = process.cpuUsage();
    const result = await runPhase(handler, plan.users, plan.run, plan.concurrency);
    const used = process.cpuUsage(before);
    const answer: InProcessResult = { ...result, cpuMsPerCancel: (used.user + used.system) / 1000 / result.cancels };
    process.stdout.write(JSON.stringify(answer) + '\n');
    // The relay's sends after the last answers finish before exit (as the host drains them at shutdown).
}

if (require.main === module) {
    main().then(
        () => setTimeout(() => process.exit(0), 2_000),
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        },
    );
}
