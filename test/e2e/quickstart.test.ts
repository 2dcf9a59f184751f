import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../dev/azurite';
import { repoRoot } from '../../dev/paths';

const run = promisify(execFile);

/**
 * The README's quick start: `npm start` (here its compiled entry, on free ports so it never collides with a
 * developer's stack) prints a banner whose token command and sample requests work as printed.
 */
describe('npm start', () => {
    let child: ChildProcess;
    let output = '';

    beforeAll(async () => {
        const ports = {
            FUNCTIONS_HTTP_PORT: await freePort(),
            FUNCTIONS_HTTPS_PORT: await freePort(),
            GRAPH_EMULATOR_PORT: await freePort(),
            GRAPH_EMULATOR_TLS_PORT: await freePort(),
            AZURITE_BLOB_PORT: await freePort(),
            AZURITE_QUEUE_PORT: await freePort(),
            AZURITE_TABLE_PORT: await freePort(),
        };
        child = spawn(process.execPath, [path.join(repoRoot, 'dist/dev/start.js')], {
            env: { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${output}`)), 60_000);
            const check = () => {
                if (output.includes('Ctrl-C stops everything.')) {
                    clearTimeout(timer);
                    resolve();
                }
            };
            child.stdout!.on('data', check);
            child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
        });
    }, 70_000);

    afterAll(async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
    });

    /** The lines of the banner's "Sample requests" block, joined where they end with a backslash. */
    function bannerCommands(): { token: string; samples: string[] } {
        const lines = output.split('\n');
        const token = lines.find((l) => l.trim().startsWith('TOKEN=$('))!.trim();
        const start = lines.findIndex((l) => l.startsWith('Sample requests:'));
        const samples: string[] = [];
        for (const line of lines.slice(start + 1)) {
            if (line.trim() === '') break;
            const previous = samples.at(-1);
            if (previous?.endsWith('\\')) samples[samples.length - 1] = `${previous.slice(0, -1)} ${line.trim()}`;
            else samples.push(line.trim());
        }
        return { token, samples };
    }

    it('prints the URLs, a token command and sample requests that work as printed', async () => {
        expect(output).toMatch(/gateway\s+http:\/\/127\.0\.0\.1:\d+\/api\//);
        const { token, samples } = bannerCommands();
        expect(samples).toHaveLength(3);
        const script = [
            token,
            ...samples.map((s) => `${s.replace(/^curl /, 'curl -sS -w "\\nstatus=%{http_code}\\n" ')}`),
        ].join('\n');
        const { stdout } = await run('bash', ['-c', `set -e\n${script}`], { cwd: repoRoot, timeout: 30_000 });
        const statuses = [...stdout.matchAll(/status=(\d+)/g)].map((m) => m[1]);
        expect(statuses).toEqual(['200', '202', '200']);
        expect(stdout).toContain('"status":"healthy"');
        expect(stdout).toContain('"subject":"Budget review"');
    });

    it('stops everything on Ctrl-C', async () => {
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        expect(await exited).toBe(0);
    });
});
