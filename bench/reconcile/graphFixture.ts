import type { Fixture } from '../../dev/graph-emulator/fixture';
import { devTenant } from '../../dev/identity/devTenant';
import type { ItemLookup } from '../../src/domain/reconciliation/graphLookups';

/**
 * The Graph side of the bench: `mailboxes` users and `records` events, record `i` in mailbox `i % mailboxes`, so
 * the due list interleaves mailboxes the way a due index sorted by time would. Each record is looked up the way
 * the reconciler asks about an event (`reconciler.ts` `lookupFor`; `lookupUrl` makes it `{graphPath}?$select=id,isCancelled`).
 */
export interface GraphPlan {
    readonly fixture: Fixture;
    readonly items: readonly ItemLookup[];
}

const upn = (m: number): string => `bench${m}@${devTenant.domain}`;
const eventId = (m: number, e: number): string => `AAMkADbench-u${m}-e${e}=`;
const userId = (m: number): string => `be7c0000-0000-4000-8000-${String(m).padStart(12, '0')}`;

export function graphPlan(records: number, mailboxes: number): GraphPlan {
    const used = Math.min(records, mailboxes);
    const users = Array.from({ length: used }, (_, m) => ({
        id: userId(m),
        userPrincipalName: upn(m),
        displayName: `Bench mailbox ${m}`,
    }));
    const origin = Date.UTC(2030, 0, 1, 9);
    const hour = 3_600_000;
    const events: NonNullable<Fixture['events']> = [];
    const items: ItemLookup[] = [];
    for (let i = 0; i < records; i++) {
        const m = i % used;
        const e = Math.floor(i / used);
        const id = eventId(m, e);
        events.push({
            id,
            subject: `Bench meeting ${e}`,
            organizer: upn(m),
            start: new Date(origin + e * hour).toISOString(),
            end: new Date(origin + e * hour + hour / 2).toISOString(),
        });
        const graphPath = `/users/${encodeURIComponent(upn(m))}/events/${encodeURIComponent(id)}`;
        items.push({
            id: `rec-${i}`,
            mailbox: upn(m),
            version: 'v1.0',
            target: { kind: 'event', event: { version: 'v1.0', graphPath } },
        });
    }
    return {
        fixture: {
            tenantId: devTenant.tenantId,
            domain: devTenant.domain,
            users,
            applications: [
                {
                    clientId: devTenant.gatewayGraphClient.clientId,
                    secret: 'bench-only',
                    roles: ['Calendars.ReadWrite'],
                },
            ],
            events,
        },
        items,
    };
}
