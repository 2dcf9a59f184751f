import { type Caller } from '../../src/domain/access/caller';
import { type MailboxAccessDependencies } from '../../src/domain/access/accessDependencies';
import { authorizeMailbox, type MailboxTarget } from '../../src/domain/access/authorizeMailbox';
import { cachedDirectory } from '../../src/domain/access/cachedPorts';
import { emptyTenantPolicy, tenantPolicySchema } from '../../src/domain/access/tenantPolicy';
import {
    alice,
    appCaller,
    bob,
    carol,
    FakeClock,
    FakeDirectory,
    reportingAppId,
    salesGroupId,
    userCaller,
} from './fakes';

const me: MailboxTarget = { kind: 'me' };
const user = (idOrUpn: string): MailboxTarget => ({ kind: 'user', idOrUpn });
const group = (groupId: string): MailboxTarget => ({ kind: 'group', groupId });

function deps(
    policy: unknown = {},
    directory = new FakeDirectory(),
): MailboxAccessDependencies & { directory: FakeDirectory } {
    return { directory, policy: tenantPolicySchema.parse(policy) };
}

async function statusOf(caller: Caller, target: MailboxTarget, dependencies = deps()): Promise<number> {
    try {
        await authorizeMailbox(caller, target, dependencies);
        return 200;
    } catch (error) {
        return (error as { status: number }).status;
    }
}

describe('authorizeMailbox: users', () => {
    it('/me is the caller’s own mailbox', async () => {
        await expect(authorizeMailbox(userCaller(alice), me, deps())).resolves.toEqual({
            kind: 'user',
            userId: alice.id,
            userPrincipalName: alice.userPrincipalName,
            basis: 'owner',
        });
    });

    it('own mailbox by object id', async () => {
        await expect(authorizeMailbox(userCaller(alice), user(alice.id), deps())).resolves.toMatchObject({
            userId: alice.id,
            basis: 'owner',
        });
    });

    it('own mailbox by UPN, case-insensitively', async () => {
        await expect(authorizeMailbox(userCaller(alice), user('ALICE@Contoso.TEST'), deps())).resolves.toMatchObject({
            userId: alice.id,
            userPrincipalName: alice.userPrincipalName,
            basis: 'owner',
        });
    });

    it("someone else's mailbox: 403", async () => {
        expect(await statusOf(userCaller(bob), user(alice.userPrincipalName))).toBe(403);
        expect(await statusOf(userCaller(bob), user(alice.id))).toBe(403);
    });

    it('a token UPN claim does not make a mailbox one’s own (identity is the object id)', async () => {
        const forged = { ...userCaller(bob), userPrincipalName: alice.userPrincipalName };
        expect(await statusOf(forged, user(alice.userPrincipalName))).toBe(403);
    });

    it('a delegate named by UPN in the policy may act on a route that uses the object id', async () => {
        const policy = { delegates: [{ user: 'BOB@contoso.test', mailboxes: ['alice@contoso.test'] }] };
        await expect(authorizeMailbox(userCaller(bob), user(alice.id), deps(policy))).resolves.toMatchObject({
            userId: alice.id,
            userPrincipalName: alice.userPrincipalName,
            basis: 'delegate',
        });
    });

    it('a delegate named by object id in the policy may act on a route that uses the UPN', async () => {
        const policy = { delegates: [{ user: bob.id, mailboxes: [alice.id] }] };
        await expect(
            authorizeMailbox(userCaller(bob), user(alice.userPrincipalName), deps(policy)),
        ).resolves.toMatchObject({ basis: 'delegate' });
    });

    it('a delegate only for the mailboxes named', async () => {
        const policy = { delegates: [{ user: bob.userPrincipalName, mailboxes: [alice.userPrincipalName] }] };
        expect(await statusOf(userCaller(bob), user(carol.userPrincipalName), deps(policy))).toBe(403);
        expect(await statusOf(userCaller(carol), user(alice.userPrincipalName), deps(policy))).toBe(403);
    });

    it('an unknown user: 404 ErrorInvalidUser', async () => {
        await expect(authorizeMailbox(userCaller(alice), user('nobody@contoso.test'), deps())).rejects.toMatchObject({
            status: 404,
            code: 'ErrorInvalidUser',
        });
    });

    it('a group member may act in the group calendar', async () => {
        await expect(authorizeMailbox(userCaller(bob), group(salesGroupId), deps())).resolves.toEqual({
            kind: 'group',
            groupId: salesGroupId,
            basis: 'groupMember',
        });
    });

    it('a non-member may not: 403', async () => {
        expect(await statusOf(userCaller(carol), group(salesGroupId))).toBe(403);
    });
});

describe('authorizeMailbox: apps', () => {
    const policy = {
        applications: [
            { appId: reportingAppId, mailboxes: [alice.userPrincipalName], groups: [salesGroupId] },
            { appId: 'ca9ce1a7-0000-4000-8000-0000000000f5', mailboxes: ['*'], groups: ['*'] },
        ],
    };

    it('/me with an app-only token: 400 as Graph', async () => {
        await expect(authorizeMailbox(appCaller(reportingAppId), me, deps(policy))).rejects.toMatchObject({
            status: 400,
            code: 'BadRequest',
            message: '/me request is only valid with delegated authentication flow.',
        });
    });

    it('a mailbox within its policy entry (policy by UPN, route by id)', async () => {
        await expect(authorizeMailbox(appCaller(reportingAppId), user(alice.id), deps(policy))).resolves.toMatchObject({
            userId: alice.id,
            basis: 'application',
        });
    });

    it('a mailbox outside its policy entry: 403', async () => {
        expect(await statusOf(appCaller(reportingAppId), user(bob.id), deps(policy))).toBe(403);
    });

    it('a group within and outside its policy entry', async () => {
        expect(await statusOf(appCaller(reportingAppId), group(salesGroupId), deps(policy))).toBe(200);
        expect(
            await statusOf(appCaller(reportingAppId), group('0ther000-0000-4000-8000-000000000000'), deps(policy)),
        ).toBe(403);
    });

    it('"*" grants every mailbox and group', async () => {
        const wildcard = appCaller('ca9ce1a7-0000-4000-8000-0000000000f5');
        expect(await statusOf(wildcard, user(carol.userPrincipalName), deps(policy))).toBe(200);
        expect(await statusOf(wildcard, group('any-group'), deps(policy))).toBe(200);
    });

    it('an app without a policy entry: 403, without asking the directory', async () => {
        const dependencies = deps(policy);
        expect(await statusOf(appCaller('ca9ce1a7-0000-4000-8000-0000000000aa'), user(alice.id), dependencies)).toBe(
            403,
        );
        expect(dependencies.directory.calls.findUser).toBe(0);
    });

    it('the empty policy grants apps nothing', async () => {
        expect(
            await statusOf(appCaller(reportingAppId), user(alice.id), {
                directory: new FakeDirectory(),
                policy: emptyTenantPolicy(),
            }),
        ).toBe(403);
    });

    it('an unknown user within a "*" grant: 404', async () => {
        expect(
            await statusOf(appCaller('ca9ce1a7-0000-4000-8000-0000000000f5'), user('ghost@contoso.test'), deps(policy)),
        ).toBe(404);
    });
});

describe('cached directory', () => {
    const TTL_MS = 60_000;

    it('asks the port for group membership once within the TTL and again after it', async () => {
        const port = new FakeDirectory();
        const clock = new FakeClock();
        const dependencies = {
            directory: cachedDirectory(port, { clock, ttlMs: TTL_MS }),
            policy: emptyTenantPolicy(),
        };

        await authorizeMailbox(userCaller(bob), group(salesGroupId), dependencies);
        clock.advance(TTL_MS - 1);
        await authorizeMailbox(userCaller(bob), group(salesGroupId), dependencies);
        expect(port.calls.isGroupMember).toBe(1);

        clock.advance(1);
        port.groups.get(salesGroupId)?.delete(bob.id);
        await expect(authorizeMailbox(userCaller(bob), group(salesGroupId), dependencies)).rejects.toMatchObject({
            status: 403,
        });
        expect(port.calls.isGroupMember).toBe(2);
    });

    it('keys membership by group and user', async () => {
        const port = new FakeDirectory();
        const directory = cachedDirectory(port, { clock: new FakeClock(), ttlMs: TTL_MS });
        expect(await directory.isGroupMember(salesGroupId, bob.id)).toBe(true);
        expect(await directory.isGroupMember(salesGroupId, carol.id)).toBe(false);
        expect(port.calls.isGroupMember).toBe(2);
    });

    it('shares user lookups across spellings and does not cache failures', async () => {
        const port = new FakeDirectory();
        const directory = cachedDirectory(port, { clock: new FakeClock(), ttlMs: TTL_MS });
        await directory.findUser('alice@contoso.test');
        await directory.findUser('ALICE@contoso.test');
        expect(port.calls.findUser).toBe(1);

        let failures = 1;
        const flaky = cachedDirectory(
            {
                findUser: (idOrUpn) =>
                    failures-- > 0 ? Promise.reject(new Error('Graph down')) : port.findUser(idOrUpn),
                isGroupMember: (g, u) => port.isGroupMember(g, u),
            },
            { clock: new FakeClock(), ttlMs: TTL_MS },
        );
        await expect(flaky.findUser(alice.id)).rejects.toThrow('Graph down');
        await expect(flaky.findUser(alice.id)).resolves.toMatchObject({ id: alice.id });
    });
});
