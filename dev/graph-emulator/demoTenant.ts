import { devTenant } from '../identity/devTenant';
import { departingUserEntry, departingUserEvents } from './departingUser';
import { type Fixture } from './fixture';

/** Dev-only client secret of the gateway's Graph client in the demo tenant. Never a real secret. */
export const demoClientSecret = 'local-emulator-only';

export const demoIds = {
    salesGroupId: '5a1e5000-0000-4000-8000-0000000000d1',
    budgetReviewId: 'AAMkADdemo-budget-review-alice=',
    teamSyncId: 'AAMkADdemo-team-sync-alice=',
    salesMeetingId: 'AAMkADdemo-sales-pipeline-group=',
    kickoffId: 'AAMkADdemo-project-kickoff-alice=',
    projectsCalendarId: 'AAMkADdemo-calendar-projects-alice=',
    businessId: 'contosolunch@contoso.test',
    lunchAppointmentId: 'AAMkADdemo-appointment-lunch=',
    tastingAppointmentId: 'AAMkADdemo-appointment-tasting=',
} as const;

const day = 86_400_000;
const hour = 3_600_000;

/** Today's 00:00 UTC. Every demo date is an offset from it, so tests can use windows relative to "now". */
export function utcMidnight(now = Date.now()): number {
    return Math.floor(now / day) * day;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export interface DemoOptions {
    /**
     * Adds the departing user dana@contoso.test and her few hundred items (departingUser.ts), with her invitations in
     * alice's and bob's mailboxes. Off by default: the tests that count the demo tenant's users and items stay as they
     * are. `POST /_emulator/reset?preset=offboarding`, or `GRAPH_EMULATOR_PRESET=offboarding` for `npm run emulator`.
     */
    departingUser?: boolean;
}

/**
 * The default seed (docs/emulator.md "Demo tenant"): alice, bob, carol; "Budget review" (tomorrow 14:00–15:00 UTC);
 * weekly "Team sync" (10 occurrences from tomorrow 09:00–09:30 UTC, the third moved to 10:00–10:30 as an
 * exception); "Project kickoff" on alice's "Projects" calendar (in 2 days, 11:00–12:00); the "Sales" group
 * (alice, bob) with "Sales pipeline" on its calendar (in 2 days, 13:00–14:00); and the Bookings business
 * contosolunch@contoso.test with alice (administrator) and carol (viewer) as staff and two appointments.
 */
export function demoFixture(now = Date.now(), options: DemoOptions = {}): Fixture {
    const d0 = utcMidnight(now);
    const base = baseDemoFixture(d0);
    if (!options.departingUser) return base;
    return {
        ...base,
        users: [...base.users, departingUserEntry()],
        events: [...(base.events ?? []), ...departingUserEvents(d0)],
    };
}

function baseDemoFixture(d0: number): Fixture {
    const [alice, bob, carol] = devTenant.users;
    return {
        tenantId: devTenant.tenantId,
        domain: devTenant.domain,
        users: [
            {
                ...alice,
                mail: alice.userPrincipalName,
                calendars: [{ id: demoIds.projectsCalendarId, name: 'Projects' }],
            },
            { ...bob, mail: bob.userPrincipalName },
            { ...carol, mail: carol.userPrincipalName },
        ],
        groups: [
            {
                id: demoIds.salesGroupId,
                displayName: 'Sales',
                mail: 'sales@contoso.test',
                members: [alice.userPrincipalName, bob.userPrincipalName],
            },
        ],
        applications: [
            {
                clientId: devTenant.gatewayGraphClient.clientId,
                displayName: 'Cancel Gateway (Graph client)',
                secret: demoClientSecret,
                roles: ['Calendars.ReadWrite', 'Bookings.ReadWrite.All', 'GroupMember.Read.All', 'User.Read.All'],
            },
        ],
        events: [
            {
                id: demoIds.budgetReviewId,
                subject: 'Budget review',
                organizer: alice.userPrincipalName,
                start: iso(d0 + day + 14 * hour),
                end: iso(d0 + day + 15 * hour),
                attendees: [bob.userPrincipalName, carol.userPrincipalName],
                location: 'Room 1',
                body: 'Quarterly budget review.',
            },
            {
                id: demoIds.teamSyncId,
                subject: 'Team sync',
                organizer: alice.userPrincipalName,
                start: iso(d0 + day + 9 * hour),
                end: iso(d0 + day + 9.5 * hour),
                attendees: [bob.userPrincipalName, carol.userPrincipalName],
                recurrence: { pattern: 'weekly', interval: 1, numberOfOccurrences: 10 },
                exceptions: [
                    {
                        index: 2,
                        subject: 'Team sync (moved)',
                        start: iso(d0 + 15 * day + 10 * hour),
                        end: iso(d0 + 15 * day + 10.5 * hour),
                    },
                ],
            },
            {
                id: demoIds.kickoffId,
                subject: 'Project kickoff',
                organizer: alice.userPrincipalName,
                calendar: 'Projects',
                start: iso(d0 + 2 * day + 11 * hour),
                end: iso(d0 + 2 * day + 12 * hour),
            },
            {
                id: demoIds.salesMeetingId,
                subject: 'Sales pipeline',
                organizer: demoIds.salesGroupId,
                start: iso(d0 + 2 * day + 13 * hour),
                end: iso(d0 + 2 * day + 14 * hour),
                attendees: [alice.userPrincipalName, bob.userPrincipalName],
            },
        ],
        bookingBusinesses: [
            {
                id: demoIds.businessId,
                displayName: 'Contoso Lunch Delivery',
                timeZone: 'UTC',
                phone: '+1 555 0100',
                staffMembers: [
                    {
                        id: '8ee1c803-a1fa-4da5-8e9b-0000000000e1',
                        displayName: alice.displayName,
                        emailAddress: alice.userPrincipalName,
                        role: 'administrator',
                    },
                    {
                        id: '8ee1c803-a1fa-4da5-8e9b-0000000000e3',
                        displayName: carol.displayName,
                        emailAddress: carol.userPrincipalName,
                        role: 'viewer',
                    },
                ],
                appointments: [
                    {
                        id: demoIds.lunchAppointmentId,
                        serviceName: 'Team lunch delivery',
                        start: iso(d0 + day + 12 * hour),
                        end: iso(d0 + day + 12.5 * hour),
                        staff: [alice.userPrincipalName],
                        customers: [
                            {
                                name: 'Pat Customer',
                                emailAddress: 'pat@fabrikam.test',
                                phone: '+1 555 0101',
                                notes: 'Gate code 1234',
                            },
                        ],
                    },
                    {
                        id: demoIds.tastingAppointmentId,
                        serviceName: 'Menu tasting',
                        start: iso(d0 + 3 * day + 12 * hour),
                        end: iso(d0 + 3 * day + 13 * hour),
                        staff: [alice.userPrincipalName],
                        customers: [
                            { name: 'Quinn Buyer', emailAddress: 'quinn@fabrikam.test', phone: '+1 555 0102' },
                            { name: 'Riley Chef', emailAddress: 'riley@northwind.test', phone: '+1 555 0103' },
                        ],
                    },
                ],
            },
        ],
    };
}
