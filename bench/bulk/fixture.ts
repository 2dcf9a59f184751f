import type { Fixture } from '../../dev/graph-emulator/fixture';
import { devTenant } from '../../dev/identity/devTenant';
import { tenantWithLeavers } from '../../chaos/bulkFixture';

type FixtureEvent = NonNullable<Fixture['events']>[number];

const dayMs = 86_400_000;
const hourMs = 3_600_000;
/** The meetings fall on the days after today, inside this many days (each job's window covers them all). */
const windowDays = 30;

export interface Leaver {
    readonly id: string;
    readonly userPrincipalName: string;
}

export interface BulkBenchTenant {
    readonly fixture: Fixture;
    readonly leavers: readonly Leaver[];
    /** Each job's window: today 00:00 UTC for `windowDays` days. */
    readonly window: { readonly start: string; readonly end: string };
}

/**
 * A tenant with one leaver per entry of `meetingsPerLeaver`, each organizing that many single meetings in the window
 * with one or two demo users as attendees: every meeting is planned `cancel`, one message sent from the leaver's
 * mailbox each.
 */
export function bulkBenchTenant(meetingsPerLeaver: readonly number[]): BulkBenchTenant {
    const colleagues = devTenant.users.map((u) => u.userPrincipalName);
    const d0 = Math.floor(Date.now() / dayMs) * dayMs;
    const leavers: Leaver[] = meetingsPerLeaver.map((_, m) => ({
        id: `b0170000-0000-4000-8000-${String(m).padStart(12, '0')}`,
        userPrincipalName: `leaver${String(m).padStart(2, '0')}@contoso.test`,
    }));
    const events: FixtureEvent[] = [];
    for (const [m, leaver] of leavers.entries()) {
        for (let n = 0; n < (meetingsPerLeaver[m] ?? 0); n++) {
            const serial = `${String(m).padStart(2, '0')}-${String(n).padStart(5, '0')}`;
            const start = d0 + (1 + (n % (windowDays - 2))) * dayMs + (8 + (n % 9)) * hourMs;
            const first = colleagues[n % colleagues.length]!;
            const second = colleagues[(n + 1) % colleagues.length]!;
            events.push({
                id: `AAMkADbulkbench-${serial}=`,
                subject: `Bulk bench meeting ${serial}`,
                organizer: leaver.userPrincipalName,
                start: new Date(start).toISOString(),
                end: new Date(start + 1_800_000).toISOString(),
                attendees: n % 2 === 0 ? [first] : [first, second],
            });
        }
    }
    const fixture = tenantWithLeavers(
        leavers.map((l) => ({ ...l, displayName: l.userPrincipalName })),
        events,
    );
    return {
        fixture,
        leavers,
        window: { start: new Date(d0).toISOString(), end: new Date(d0 + windowDays * dayMs).toISOString() },
    };
}
