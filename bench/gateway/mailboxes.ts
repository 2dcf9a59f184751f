import type { Fixture } from '../../dev/graph-emulator/fixture';
import { devTenant } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';

/** The secret of the gateway's Graph app registration in local settings (a dev-only value, not a secret). */
export const graphClientSecret = 'local-emulator-only';

/** One bench user: the mailbox owner, who cancels their own meetings through the gateway with a delegated token. */
export interface BenchUser {
    readonly id: string;
    readonly upn: string;
    /** `Bearer …` for the gateway: a delegated token with `Calendars.ReadWrite`. */
    readonly authorization: string;
}

/** What one run cancels: event `i` lives in mailbox `i % users.length`. */
export interface Phase {
    readonly tag: string;
    readonly count: number;
}

/**
 * `count` users; their object ids are whatever the dev token minter gives their UPN, so the gateway sees the caller
 * as the mailbox owner (its common case: no delegate lookup).
 */
export function benchUsers(count: number, issuerHost: string): BenchUser[] {
    return Array.from({ length: count }, (_, m) => {
        const upn = `bench${m}@${devTenant.domain}`;
        const token = mintToken({ user: upn, scp: ['Calendars.ReadWrite'], issuerHost, expiresInSeconds: 6 * 3600 });
        const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
            oid: string;
        };
        return { id: claims.oid, upn, authorization: `Bearer ${token}` };
    });
}

/** Ids differ between phases: the gateway remembers what it cancelled and would replay a reused id. */
export function eventId(phase: Phase, i: number): string {
    return `AAMkADbench-${phase.tag}-e${i}=`;
}

/** The emulator seed for some phases: the users, the gateway's Graph app, and `count` single meetings per phase. */
export function phaseFixture(users: readonly BenchUser[], phases: readonly Phase[]): Fixture {
    const origin = Date.UTC(2030, 0, 7, 9);
    const hourMs = 3_600_000;
    const events: NonNullable<Fixture['events']> = [];
    for (const phase of phases)
        for (let i = 0; i < phase.count; i++) {
            const organizer = users[i % users.length]!;
            const start = origin + Math.floor(i / users.length) * hourMs;
            events.push({
                id: eventId(phase, i),
                subject: `Bench meeting ${i}`,
                organizer: organizer.upn,
                start: new Date(start).toISOString(),
                end: new Date(start + hourMs / 2).toISOString(),
                // Outside the tenant: listed on the event (the gateway records them) without copies to update.
                attendees: [
                    { address: `guest${i % 7}@fabrikam.test`, name: 'Guest', type: 'required' },
                    { address: `partner${i % 5}@fabrikam.test`, name: 'Partner', type: 'optional' },
                ],
            });
        }
    return {
        tenantId: devTenant.tenantId,
        domain: devTenant.domain,
        users: users.map((user, m) => ({ id: user.id, userPrincipalName: user.upn, displayName: `Bench user ${m}` })),
        applications: [
            {
                clientId: devTenant.gatewayGraphClient.clientId,
                secret: graphClientSecret,
                roles: ['Calendars.ReadWrite', 'Bookings.ReadWrite.All', 'GroupMember.Read.All', 'User.Read.All'],
            },
        ],
        events,
    };
}
