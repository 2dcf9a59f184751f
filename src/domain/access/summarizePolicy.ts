import { ANY, type TenantPolicy } from './tenantPolicy';

function count(n: number, noun: string, plural = `${noun}s`): string {
    return `${n} ${n === 1 ? noun : plural}`;
}

/** One paragraph for the startup log: counts and wildcards, no names or ids. */
export function summarizePolicy(policy: TenantPolicy): string {
    const delegatedMailboxes = policy.delegates.reduce((sum, d) => sum + d.mailboxes.length, 0);
    const wildcardApps = policy.applications.filter(
        (a) => a.mailboxes.includes(ANY) || a.groups.includes(ANY) || a.bookingBusinesses.includes(ANY),
    ).length;
    const bookingUsers = policy.bookings.reduce((sum, b) => sum + b.users.length, 0);
    return [
        `Tenant policy: ${count(policy.delegates.length, 'delegate')} over ${count(delegatedMailboxes, 'mailbox grant')};`,
        `${count(policy.applications.length, 'application')} allowed app-only access`,
        `(${wildcardApps} with a "*" wildcard);`,
        `${count(policy.bookings.length, 'booking business', 'booking businesses')} with ${count(bookingUsers, 'policy-named user')};`,
        `reconciliation ${policy.reconciliation.repairDrift ? 'repairs' : 'reports'} drift.`,
    ].join(' ');
}
