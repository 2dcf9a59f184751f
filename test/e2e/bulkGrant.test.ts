import { departingUser } from '../../dev/graph-emulator/departingUser';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';

/**
 * The tenant policy's `bulk` grant on the running stack: an application's app-only token (no Cancellations.Admin
 * role) starts jobs for the mailboxes its entry names, gets Graph's 403 envelope elsewhere, and sees its own jobs only.
 */

const hrAppId = 'ca9ce1a7-0000-4000-8000-0000000000b1';
const [alice] = devTenant.users;

describe('tenant policy applications[].bulk (POST /api/cancellationJobs without the administrator role)', () => {
    const local = useLocalStack({
        TENANT_POLICY: JSON.stringify({ applications: [{ appId: hrAppId, bulk: [departingUser.userPrincipalName] }] }),
    });

    const request = (token: string, mailbox: string) =>
        fetch(`${local.stack.gatewayUrl}/api/cancellationJobs`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({
                mailbox,
                window: { start: '2026-01-01T00:00:00Z', end: '2026-02-01T00:00:00Z' },
                organized: 'skip',
                series: 'cancel',
                invited: 'leave',
            }),
        });

    it('202 for a granted mailbox (basis application, its own jobs listed), 403 Graph envelope and no job elsewhere', async () => {
        const reset = await fetch(`${local.stack.emulatorUrl}/_emulator/reset?preset=offboarding`, { method: 'POST' });
        expect(reset.ok).toBe(true);
        const hr = local.stack.token({ app: hrAppId, roles: [] });
        const admin = local.stack.token({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'] });

        const refused = await request(hr, alice.userPrincipalName);
        expect(refused.status).toBe(403);
        expect(await refused.json()).toMatchObject({
            error: { code: 'ErrorAccessDenied', message: expect.any(String), innerError: expect.any(Object) },
        });

        const started = await request(hr, departingUser.userPrincipalName);
        expect(started.status).toBe(202);
        const job = (await started.json()) as { id: string; requestedBy: { appId: string } };
        expect(job.requestedBy.appId).toBe(hrAppId);
        expect((await request(admin, alice.userPrincipalName)).status).toBe(202);

        const list = async (token: string) => {
            const response = await fetch(`${local.stack.gatewayUrl}/api/cancellationJobs`, {
                headers: { Authorization: `Bearer ${token}` },
            });
            expect(response.status).toBe(200);
            return ((await response.json()) as { value: Array<{ id: string; mailbox: string }> }).value;
        };
        expect((await list(hr)).map((listed) => listed.id)).toEqual([job.id]);
        expect((await list(admin)).length).toBe(2);
    });
});
