import { maySeeJob, requireBulkCaller, requireBulkMailbox } from '../../src/domain/access/bulkAccess';
import { tenantPolicySchema } from '../../src/domain/access/tenantPolicy';
import { ForbiddenError } from '../../src/errors/appError';
import { alice, appCaller, bob, carol, userCaller } from './fakes';

const hrAppId = 'ca9ce1a7-0000-4000-8000-0000000000b1';
const policy = tenantPolicySchema.parse({
    applications: [
        { appId: hrAppId, bulk: [bob.userPrincipalName, carol.id] },
        { appId: 'ca9ce1a7-0000-4000-8000-0000000000b2', mailboxes: ['*'] },
    ],
});
const admin = appCaller('ad000000-0000-4000-8000-0000000000ad', ['Cancellations.Admin']);
const hr = appCaller(hrAppId, []);
const everywhereElse = appCaller('ca9ce1a7-0000-4000-8000-0000000000b2', []);
/** Graph's 403 (`ErrorAccessDenied`), as the error envelope shows it. */
const deniedError = ForbiddenError;

describe('the bulk grant of the tenant policy (applications[].bulk)', () => {
    it('administrators may run jobs on any mailbox', () => {
        expect(requireBulkCaller(admin, policy)).toBe('administrator');
        expect(requireBulkMailbox(admin, policy, alice)).toBe('administrator');
    });

    it('an application runs jobs on the mailboxes its entry names (UPN or object id), and nowhere else', () => {
        expect(requireBulkCaller(hr, policy)).toBe('application');
        expect(requireBulkMailbox(hr, policy, bob)).toBe('application');
        expect(requireBulkMailbox(hr, policy, carol)).toBe('application');
        expect(() => requireBulkMailbox(hr, policy, alice)).toThrow(deniedError);
    });

    it('an application without a bulk grant (even with mailboxes: ["*"]) and a user without the role are refused', () => {
        expect(() => requireBulkCaller(everywhereElse, policy)).toThrow(deniedError);
        expect(() => requireBulkMailbox(everywhereElse, policy, bob)).toThrow(deniedError);
        expect(() => requireBulkCaller(userCaller(alice), policy)).toThrow(deniedError);
    });

    it('an application sees only the jobs it started on its grant; administrators see every job', () => {
        const own = {
            actor: { kind: 'app' as const, objectId: 'sp-hr', appId: hrAppId, basis: 'application' as const },
        };
        const adminJob = { actor: { ...own.actor, appId: admin.appId, basis: 'administrator' as const } };
        expect(maySeeJob(hr, own)).toBe(true);
        expect(maySeeJob(hr, adminJob)).toBe(false);
        expect(maySeeJob(everywhereElse, own)).toBe(false);
        expect(maySeeJob(admin, own)).toBe(true);
    });
});
