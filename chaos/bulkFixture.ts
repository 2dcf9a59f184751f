import type { Fixture } from '../dev/graph-emulator/fixture';
import { devTenant } from '../dev/identity/devTenant';
import { gatewayGraphApp } from './fixture';
import type { Random } from './random';

type FixtureEvent = NonNullable<Fixture['events']>[number];

const dayMs = 86_400_000;
const hourMs = 3_600_000;
/** The meetings fall on the days after today, inside this many days (the job's window covers them all). */
export const bulkWindowDays = 60;

/** The mailbox the bulk chaos run offboards: a user of its own, so the demo users keep only attendee copies. */
export const leaver = {
    id: 'c4a05000-0000-4000-8000-0000000b01c0',
    userPrincipalName: 'lee@contoso.test',
    displayName: 'Lee Leaver',
} as const;

export interface BulkChaosTenant {
    readonly fixture: Fixture;
    readonly mailbox: string;
    /** The job's window: today 00:00 UTC for `bulkWindowDays` days. */
    readonly window: { readonly start: string; readonly end: string };
    readonly meetings: number;
}

/**
 * The demo tenant's users plus `leavers` (each user's mail its UPN), the gateway's Graph app and `events`: the tenant
 * of a bulk run, for the chaos run and bench:bulk alike.
 */
export function tenantWithLeavers(
    leavers: readonly { readonly id: string; readonly userPrincipalName: string; readonly displayName: string }[],
    events: FixtureEvent[],
): Fixture {
    return {
        tenantId: devTenant.tenantId,
        domain: devTenant.domain,
        users: [
            ...devTenant.users.map((u) => ({
                id: u.id,
                userPrincipalName: u.userPrincipalName,
                displayName: u.displayName,
            })),
            ...leavers,
        ].map((u) => ({ ...u, mail: u.userPrincipalName })),
        groups: [],
        applications: [gatewayGraphApp],
        events,
        bookingBusinesses: [],
    };
}

/**
 * A tenant whose one leaver organizes `meetings` single meetings in the window, each with one or two demo users
 * (whose copies the cancel marks cancelled) and sometimes an outside guest: every meeting is planned `cancel`.
 */
export function bulkChaosTenant(meetings: number, random: Random): BulkChaosTenant {
    const colleagues = devTenant.users.map((u) => u.userPrincipalName);
    const d0 = Math.floor(Date.now() / dayMs) * dayMs;
    const events: FixtureEvent[] = [];
    for (let n = 0; n < meetings; n++) {
        const serial = String(n).padStart(5, '0');
        const start = d0 + random.int(1, bulkWindowDays - 2) * dayMs + random.int(8, 17) * hourMs;
        const attendees: NonNullable<FixtureEvent['attendees']> = [random.pick(colleagues)];
        if (random.chance(0.4)) attendees.push(random.pick(colleagues.filter((c) => c !== attendees[0])));
        if (random.chance(0.3)) attendees.push({ address: `guest${serial}@outside.test`, name: `Guest ${serial}` });
        events.push({
            id: `AAMkADbulkchaos-${serial}=`,
            subject: `Bulk chaos meeting ${serial}`,
            organizer: leaver.userPrincipalName,
            start: new Date(start).toISOString(),
            end: new Date(start + 1_800_000).toISOString(),
            attendees,
        });
    }
    const fixture = tenantWithLeavers([leaver], events);
    return {
        fixture,
        mailbox: leaver.userPrincipalName,
        window: { start: new Date(d0).toISOString(), end: new Date(d0 + bulkWindowDays * dayMs).toISOString() },
        meetings,
    };
}
