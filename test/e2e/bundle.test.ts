import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { bundle } from '../../dev/package/bundle';
import { repoRoot } from '../../dev/paths';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { type LocalStack, startLocalStack } from '../support/stack';

const [alice, bob] = devTenant.users;
const sampleFile = path.join(repoRoot, 'local.settings.sample.json');
const sampleSettings = () =>
    (JSON.parse(readFileSync(sampleFile, 'utf8')) as { Values: Record<string, string> }).Values;

/**
 * What `npm run package` deploys, run by the local host instead of the tsc output: its entry registers the functions
 * and parses the settings (with zod/mini), and the first call loads the first-use chunk with the SDKs.
 */
describe('the deployment bundle on the local host', () => {
    let root = '';
    let stack: LocalStack | undefined;

    beforeAll(async () => {
        root = mkdtempSync(path.join(tmpdir(), 'cancel-gateway-bundle-'));
        await bundle(root, 'single', { quiet: true });
        // As a developer running the package with Core Tools would: the sample's local values.
        copyFileSync(sampleFile, path.join(root, 'local.settings.json'));
        stack = await startLocalStack({}, { scriptRoot: root });
    }, 120_000);

    afterAll(async () => {
        await stack?.stop();
        if (root !== '') rmSync(root, { recursive: true, force: true });
    });

    it('answers a first cancel with 202, cancels the attendees’ copies and keeps the record', async () => {
        const local = stack!;
        const token = local.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const response = await fetch(`${local.gatewayUrl}/api/v1.0/me/events/${demoIds.budgetReviewId}/cancel`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ comment: 'Moved to next week' }),
        });
        expect(response.status).toBe(202);
        const copy = (await emulatorAdmin(local.emulatorUrl).events(bob.userPrincipalName)).find(
            (event) => event.subject === 'Budget review',
        );
        expect(copy).toMatchObject({ isCancelled: true });
        const record = await fetch(`${local.gatewayUrl}${response.headers.get('location')}`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        expect(await record.json()).toMatchObject({ state: 'accepted', comment: 'Moved to next week' });
    });

    it('refuses to load on a bad setting and names it, in zod’s English messages', async () => {
        // Loaded as the Functions worker loads it, with no zod in the process before the app's own (the local host
        // parses its own settings with zod, which would set zod's locale for the app).
        const load = `const { CoreApiState, installCoreApi } = require(${JSON.stringify(path.join(repoRoot, 'dist/dev/host/coreApi.js'))});
installCoreApi(new CoreApiState());
require(${JSON.stringify(path.join(repoRoot, 'dist/dev/host/loadApp.js'))}).loadApp(${JSON.stringify(root)});`;
        const worker = spawn(process.execPath, ['-e', load], {
            env: {
                ...process.env,
                ...sampleSettings(),
                GATEWAY_TENANT_ID: 'not-a-guid',
                RECONCILE_BUDGET_SECONDS: '-1',
            },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        for (const stream of [worker.stdout, worker.stderr])
            stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exitCode = await new Promise((resolve) => worker.once('exit', resolve));
        expect(exitCode).not.toBe(0);
        expect(output).toContain('the app will not start');
        expect(output.match(/^\s*- /gm)).toHaveLength(2);
        expect(output).toMatch(/^\s*- GATEWAY_TENANT_ID: Invalid GUID$/m);
        expect(output).toMatch(/^\s*- RECONCILE_BUDGET_SECONDS: Too small: expected number to be >0$/m);
    }, 30_000);
});
