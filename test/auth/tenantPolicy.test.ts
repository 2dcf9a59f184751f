import { firstNamedMailbox, parseTenantPolicy, validateTenantPolicy } from '../../src/domain/access/tenantPolicy';
import { summarizePolicy } from '../../src/domain/access/summarizePolicy';
import { reportingAppId } from './fakes';

const validDocument = {
    delegates: [{ user: 'bob@contoso.test', mailboxes: ['alice@contoso.test'] }],
    applications: [
        { appId: reportingAppId, displayName: 'Reporting', mailboxes: ['*'], groups: [], bookingBusinesses: ['*'] },
        { appId: 'ca9ce1a7-0000-4000-8000-0000000000f5', mailboxes: ['carol@contoso.test'] },
    ],
    bookings: [{ businessId: 'contosolunch@contoso.test', users: ['carol@contoso.test'] }],
    reconciliation: { repairDrift: true },
};

function problemsOf(value: unknown): readonly string[] {
    const result = validateTenantPolicy(value);
    if (result.ok) throw new Error('expected the policy to be rejected');
    return result.problems;
}

describe('tenant policy', () => {
    it('parses a valid document and fills defaults', () => {
        const result = parseTenantPolicy(JSON.stringify(validDocument));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.policy.applications[1]).toEqual({
            appId: 'ca9ce1a7-0000-4000-8000-0000000000f5',
            mailboxes: ['carol@contoso.test'],
            groups: [],
            bookingBusinesses: [],
            bulk: [],
        });
        expect(result.policy.reconciliation.repairDrift).toBe(true);
    });

    it('takes an application\'s bulk mailboxes by name, never "*"', () => {
        const appId = 'ca9ce1a7-0000-4000-8000-0000000000f6';
        const granted = validateTenantPolicy({ applications: [{ appId, bulk: ['dana@contoso.test'] }] });
        expect(granted.ok && granted.policy.applications[0]?.bulk).toEqual(['dana@contoso.test']);
        expect(problemsOf({ applications: [{ appId, bulk: ['*'] }] })).toEqual([
            'applications.0.bulk: "*" is not allowed for bulk; name the mailboxes',
        ]);
    });

    it('accepts an empty document, which grants nothing extra', () => {
        const result = parseTenantPolicy('{}');
        expect(result).toEqual({
            ok: true,
            policy: {
                delegates: [],
                applications: [],
                bookings: [],
                watch: { mailboxes: [], groups: [], bookingBusinesses: [] },
                reconciliation: { repairDrift: false },
            },
        });
    });

    it('rejects an unknown key with its path', () => {
        expect(problemsOf({ ...validDocument, delegate: [] }).join('\n')).toMatch(/^\(policy\): .*delegate/m);
        const nested = { applications: [{ appId: reportingAppId, mailbox: ['*'] }] };
        expect(problemsOf(nested).join('\n')).toMatch(/^applications\.0: .*mailbox/m);
        expect(problemsOf({ reconciliation: { repairDrift: true, repair: true } }).join('\n')).toMatch(
            /^reconciliation: .*repair/m,
        );
    });

    it('reports wrong types by path', () => {
        const problems = problemsOf({
            delegates: [{ user: '', mailboxes: ['*'] }],
            applications: [{ appId: 'not-a-guid' }],
            reconciliation: { repairDrift: 'yes' },
        });
        expect(problems).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^delegates\.0\.user: /),
                expect.stringMatching(/^delegates\.0\.mailboxes: .*"\*"/),
                expect.stringMatching(/^applications\.0\.appId: /),
                expect.stringMatching(/^reconciliation\.repairDrift: /),
            ]),
        );
    });

    it('reads what the feed watches: nothing by default, "*" for every mailbox, never "*" for groups', () => {
        const empty = validateTenantPolicy({});
        expect(empty.ok && empty.policy.watch).toEqual({ mailboxes: [], groups: [], bookingBusinesses: [] });
        const all = validateTenantPolicy({ watch: { mailboxes: ['*'], bookingBusinesses: ['contoso@contoso.com'] } });
        expect(all.ok && all.policy.watch).toEqual({
            mailboxes: ['*'],
            groups: [],
            bookingBusinesses: ['contoso@contoso.com'],
        });
        const wildGroups = validateTenantPolicy({ watch: { groups: ['*'] } });
        expect(wildGroups.ok ? [] : wildGroups.problems).toEqual([
            'watch.groups: "*" is not allowed; use mailboxes: ["*"]',
        ]);
        const typo = validateTenantPolicy({ watch: { mailbox: ['a@contoso.com'] } });
        expect(typo.ok).toBe(false);
    });

    it('rejects a duplicate application entry', () => {
        const duplicate = { applications: [{ appId: reportingAppId }, { appId: reportingAppId.toUpperCase() }] };
        expect(problemsOf(duplicate)).toEqual([
            expect.stringMatching(/^applications\.1\.appId: duplicates applications\.0/),
        ]);
    });

    it('reports a document that is not JSON', () => {
        const result = parseTenantPolicy('{ delegates: ');
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problems[0]).toMatch(/^\(policy\): not valid JSON/);
    });

    it('reports a document that is not an object', () => {
        expect(problemsOf([])[0]).toMatch(/^\(policy\): /);
    });

    it('summarizes counts without names or ids', () => {
        const result = parseTenantPolicy(JSON.stringify(validDocument));
        if (!result.ok) throw new Error('expected a valid policy');
        const summary = summarizePolicy(result.policy);
        expect(summary).toBe(
            'Tenant policy: 1 delegate over 1 mailbox grant; 2 applications allowed app-only access (1 with a "*" wildcard); ' +
                '1 booking business with 1 policy-named user; reconciliation repairs drift.',
        );
        expect(summary).not.toMatch(/contoso|ca9ce1a7/);
    });

    it('names the health check\'s calendar mailbox: the first one the policy names, never "*"', () => {
        const policyOf = (value: unknown) => {
            const result = validateTenantPolicy(value);
            if (!result.ok) throw new Error(result.problems.join('; '));
            return result.policy;
        };
        expect(firstNamedMailbox(policyOf(validDocument))).toBe('alice@contoso.test');
        const appsOnly = { applications: validDocument.applications };
        expect(firstNamedMailbox(policyOf(appsOnly))).toBe('carol@contoso.test');
        expect(firstNamedMailbox(policyOf({ applications: [validDocument.applications[0]] }))).toBeUndefined();
        expect(firstNamedMailbox(policyOf({}))).toBeUndefined();
    });
});
