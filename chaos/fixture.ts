import type { Fixture } from '../dev/graph-emulator/fixture';
import { demoClientSecret } from '../dev/graph-emulator/demoTenant';
import { devTenant } from '../dev/identity/devTenant';
import type { Random } from './random';

/** The gateway's own Graph app, with every application permission it uses (both chaos runs seed it). */
export const gatewayGraphApp = {
    clientId: devTenant.gatewayGraphClient.clientId,
    displayName: 'Cancel Gateway (Graph client)',
    secret: demoClientSecret,
    roles: ['Calendars.ReadWrite', 'Bookings.ReadWrite.All', 'GroupMember.Read.All', 'User.Read.All'],
};

/** One item the workload cancels. Ids are unique across the tenant, so an id alone names the item. */
export type ChaosTarget =
    | { readonly kind: 'event'; readonly mailbox: string; readonly id: string }
    | { readonly kind: 'bookingAppointment'; readonly businessId: string; readonly id: string };

export interface ChaosTenant {
    readonly fixture: Fixture;
    readonly targets: readonly ChaosTarget[];
    readonly mailboxes: readonly string[];
    readonly businesses: readonly string[];
}

type FixtureEvent = NonNullable<Fixture['events']>[number];
type FixtureAppointment = NonNullable<NonNullable<Fixture['bookingBusinesses']>[number]['appointments']>[number];

const dayMs = 86_400_000;
const extraUserNames = ['dana', 'eli', 'fay', 'gus', 'hal', 'ivy', 'jon'];
const businessIds = ['chaoslunch@contoso.test', 'chaosrepair@contoso.test'];
/** About a third of the cancellations are Bookings appointments. */
const bookingShare = 0.35;

/**
 * The demo tenant's users (plus a few more when more mailboxes are asked for), one future event or appointment per
 * cancellation, spread over the mailboxes and two businesses. Events have tenant attendees (whose copies the cancel
 * marks cancelled) and an outside one; appointments have customers.
 */
export function chaosTenant(cancellations: number, mailboxCount: number, random: Random): ChaosTenant {
    const users = [
        ...devTenant.users.map((u) => ({
            id: u.id,
            userPrincipalName: u.userPrincipalName,
            displayName: u.displayName,
        })),
        ...extraUserNames.map((name, i) => ({
            id: `c4a05000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
            userPrincipalName: `${name}@contoso.test`,
            displayName: name[0]!.toUpperCase() + name.slice(1),
        })),
    ].slice(0, Math.max(mailboxCount, 2));
    const mailboxes = users.slice(0, mailboxCount).map((u) => u.userPrincipalName);
    const start = Math.ceil(Date.now() / dayMs) * dayMs + dayMs;
    const when = (n: number) => {
        const from = start + (n % 30) * dayMs + random.int(8, 17) * 3_600_000;
        return { start: new Date(from).toISOString(), end: new Date(from + 1_800_000).toISOString() };
    };

    const targets: ChaosTarget[] = [];
    const events: FixtureEvent[] = [];
    const appointments = new Map<string, FixtureAppointment[]>(businessIds.map((id) => [id, []]));
    for (let n = 0; n < cancellations; n++) {
        const serial = String(n).padStart(5, '0');
        if (random.chance(bookingShare)) {
            const businessId = random.pick(businessIds);
            const id = `AAMkADchaos-appointment-${serial}=`;
            appointments.get(businessId)!.push({
                id,
                serviceName: `Chaos service ${serial}`,
                ...when(n),
                staff: [devTenant.users[0].userPrincipalName],
                customers: [
                    { name: `Customer ${serial}`, emailAddress: `customer${serial}@fabrikam.test`, phone: '555' },
                ],
            });
            targets.push({ kind: 'bookingAppointment', businessId, id });
        } else {
            const organizer = random.pick(mailboxes);
            const attendee = users.find((u) => u.userPrincipalName !== organizer)!.userPrincipalName;
            const id = `AAMkADchaos-event-${serial}=`;
            events.push({
                id,
                subject: `Chaos meeting ${serial}`,
                organizer,
                ...when(n),
                attendees: [attendee, { address: `guest${serial}@outside.test`, name: `Guest ${serial}` }],
            });
            targets.push({ kind: 'event', mailbox: organizer, id });
        }
    }
    const fixture = {
        tenantId: devTenant.tenantId,
        domain: devTenant.domain,
        users: users.map((u) => ({ ...u, mail: u.userPrincipalName })),
        groups: [],
        applications: [gatewayGraphApp],
        events,
        bookingBusinesses: businessIds.map((id) => ({
            id,
            displayName: id.split('@')[0]!,
            timeZone: 'UTC',
            staffMembers: [
                {
                    displayName: devTenant.users[0].displayName,
                    emailAddress: devTenant.users[0].userPrincipalName,
                    role: 'administrator' as const,
                },
            ],
            appointments: appointments.get(id)!,
        })),
    } as Fixture;
    return { fixture, targets, mailboxes, businesses: businessIds };
}
