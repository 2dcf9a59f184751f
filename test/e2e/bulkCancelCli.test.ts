import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { departingUser } from '../../dev/graph-emulator/departingUser';
import { devTenant } from '../../dev/identity/devTenant';
import { repoRoot } from '../../dev/paths';
import { useLocalStack } from '../support/stack';

/**
 * `npm run bulk-cancel` as an admin runs it: the compiled CLI as a child process against the local stack with the
 * departing user's calendar (the emulator's offboarding preset), its output and exit code as the admin sees them.
 */

interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

const cliTimeoutMs = 120_000;
const dayMs = 86_400_000;

/** Runs the CLI with stdin not a terminal; killed (and the test failed) if it runs past the bound. */
function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(repoRoot, 'dist/dev/bulk-cancel/main.js'), ...args], {
            env: { ...process.env, ...env },
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        child.stdin.end();
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`bulk-cancel ran past ${cliTimeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, cliTimeoutMs);
        child.on('error', reject);
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

describe('npm run bulk-cancel against the local stack', () => {
    // A fast message rate so the run takes seconds; pacing is pinned with an injected clock elsewhere.
    const local = useLocalStack({ BULK_MESSAGES_PER_MINUTE: '600' });

    async function setUp() {
        const { stack } = local;
        const reset = await fetch(`${stack.emulatorUrl}/_emulator/reset?preset=offboarding`, { method: 'POST' });
        expect(reset.ok).toBe(true);
        const token = stack.token({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'] });
        const d0 = Math.floor(Date.now() / dayMs) * dayMs;
        const window = { start: new Date(d0).toISOString(), end: new Date(d0 + 7 * dayMs).toISOString() };
        const args = ['--gateway', stack.gatewayUrl, '--mailbox', departingUser.userPrincipalName];
        args.push('--from', window.start, '--to', window.end, '--comment', 'Dana has left Contoso.');
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const jobs = async () => {
            const response = await fetch(`${stack.gatewayUrl}/api/cancellationJobs`, { headers });
            return ((await response.json()) as { value: { id: string; state: string }[] }).value;
        };
        return { token, window, args, headers, jobs };
    }

    it('prints the preview, runs the job with --yes to the end and prints the summary', async () => {
        const { token, window, args, headers, jobs } = await setUp();
        const previewResponse = await fetch(`${local.stack.gatewayUrl}/api/cancellationJobs`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
                mailbox: departingUser.userPrincipalName,
                window,
                organized: 'cancel',
                series: 'endBeforeWindow',
                invited: 'decline',
                comment: 'Dana has left Contoso.',
                dryRun: true,
            }),
        });
        const plan = (await previewResponse.json()) as {
            counts: Record<string, number>;
            meetings: { subject: string; action: string }[];
        };
        expect(plan.counts.cancel).toBeGreaterThan(0);

        const run = await runCli([...args, '--yes'], { CANCEL_GATEWAY_TOKEN: token });

        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
        expect(run.stdout).toMatch(/^SUBJECT +START +TYPE +ATTENDEES +ACTION +REASON$/m);
        for (const meeting of plan.meetings)
            expect(run.stdout).toMatch(new RegExp(`^${escape(meeting.subject)} .* ${meeting.action}\\b`, 'm'));
        const counts = plan.counts;
        expect(run.stdout).toContain(
            `Actions: cancel ${counts.cancel}, endSeries ${counts.endSeries}, decline ${counts.decline}, skip ${counts.skip}`,
        );
        const [job] = await jobs();
        expect(job).toMatchObject({ state: 'completed' });
        const total = plan.meetings.length;
        // The last progress line (stdout is not a terminal: one line per change) shows every meeting done.
        expect(run.stdout).toMatch(new RegExp(`^completed +\\[#+\\] +${total}/${total}`, 'm'));
        expect(run.stdout).toMatch(new RegExp(`^Job ${job!.id} completed .*: \\d+ succeeded, 0 failed`, 'm'));
        expect(run.stdout + run.stderr).not.toContain(token);
    });

    it('lists the meetings whose write failed with Graph’s error, and exits 1', async () => {
        const { token, args, jobs } = await setUp();
        await local.admin.setFaults([{ pathRegex: '/decline$', method: 'POST', status: 403 }]);

        const run = await runCli([...args, '--yes'], { CANCEL_GATEWAY_TOKEN: token });

        expect(run.code).toBe(1);
        const declines = [...run.stdout.matchAll(/^(.+?) +\S+ \S+ +(?:single|series \(\d+\)) +\d+ +decline\b/gm)];
        expect(declines.length).toBeGreaterThan(0);
        const [job] = await jobs();
        expect(run.stdout).toMatch(
            new RegExp(`^Job ${job!.id} completed .*: \\d+ succeeded, ${declines.length} failed`, 'm'),
        );
        const failures = run.stdout.slice(run.stdout.indexOf(`${declines.length} meeting(s) failed:`));
        expect(failures).toMatch(/^SUBJECT +START +ACTION +ERROR +MESSAGE$/m);
        for (const [, subject] of declines)
            expect(failures).toMatch(new RegExp(`^${escape(subject!)} .* decline +\\S+`, 'm'));
    });

    it('refuses to start a job without --yes when stdin is not a terminal, and writes nothing', async () => {
        const { token, args, jobs } = await setUp();

        const run = await runCli(args, { CANCEL_GATEWAY_TOKEN: token });

        expect(run.code).toBe(2);
        expect(run.stdout).toMatch(/^Actions: cancel \d+/m);
        expect(run.stderr).toContain('pass --yes');
        expect(await jobs()).toEqual([]);
    });

    it("prints the gateway's error code and message and exits 1 when the token lacks the admin role", async () => {
        const { args } = await setUp();
        const token = local.stack.token({ app: devTenant.callerApp.clientId, roles: ['Calendars.ReadWrite'] });

        const run = await runCli([...args, '--dry-run'], { CANCEL_GATEWAY_TOKEN: token });

        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/^bulk-cancel: the gateway answered 403: \w+: .+/m);
        expect(run.stdout + run.stderr).not.toContain(token);
    });
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
