import * as z from 'zod';
import { UpstreamError } from '../../errors/upstreamError';
import type { HealthProbe, ProbeFinding } from '../../health/checkHealth';
import { bookingBusinessesPath, defaultCalendarPath, groupsPath, usersPath } from './graphAddress';
import type { GraphCall, GraphClient } from './graphClient';

/** The application permission each probe read stands for: what deploy.md (step 3) grants the gateway. */
export const graphPermissions = {
    calendars: 'Calendars.ReadWrite',
    bookings: 'Bookings.ReadWrite.All',
    users: 'User.Read.All',
    groups: 'GroupMember.Read.All',
} as const;

/** What one read told about the permission it needs. */
export type ReadOutcome =
    | { readonly kind: 'ok' }
    /** Graph answered 403: the app lacks the permission (or, for a mailbox, Exchange keeps it out of that mailbox). */
    | { readonly kind: 'missing'; readonly permission: string }
    /** Graph answered, but not about the permission (e.g. 404 for the mailbox read): not known either way. */
    | { readonly kind: 'untested'; readonly detail: string }
    /** Graph refused the token itself (401): no permission can be used. */
    | { readonly kind: 'tokenRefused'; readonly detail: string }
    /** No token, no answer, 5xx, throttling: Graph cannot be used now. */
    | { readonly kind: 'unavailable'; readonly detail: string };

/** A failed read as what it says about `permission`. */
export function outcomeOf(error: unknown, permission: string): ReadOutcome {
    if (!(error instanceof UpstreamError)) {
        // The credential's failures and exhausted throttling arrive as the gateway's 503, with a message saying which.
        return { kind: 'unavailable', detail: error instanceof Error ? error.message : String(error) };
    }
    const answered = `Graph answered ${error.status} ${error.code}`;
    if (error.status === 403) return { kind: 'missing', permission };
    if (error.status === 401) return { kind: 'tokenRefused', detail: answered };
    if (error.status < 500 && error.status !== 429) return { kind: 'untested', detail: answered };
    if (error.code === 'gatewayTimeout') return { kind: 'unavailable', detail: error.message };
    return { kind: 'unavailable', detail: answered };
}

const unusable = (o: ReadOutcome) => o.kind === 'tokenRefused' || o.kind === 'unavailable';

/**
 * One area's reads as the text the report shows: the worst first (Graph unusable, then missing permissions by name,
 * then untested), `ok` when every read went through.
 */
export function permissionText(outcomes: readonly ReadOutcome[]): string {
    for (const o of outcomes) {
        if (o.kind === 'tokenRefused') return `token refused: ${o.detail}`;
        if (o.kind === 'unavailable') return `unavailable: ${o.detail}`;
    }
    const missing = outcomes.flatMap((o) => (o.kind === 'missing' ? [o.permission] : []));
    if (missing.length > 0) return `missing: ${missing.join(', ')}`;
    for (const o of outcomes) if (o.kind === 'untested') return `untested: ${o.detail}`;
    return 'ok';
}

/**
 * The Graph check from each area's reads: down when Graph cannot be used at all (no token, token refused, no answer:
 * every request needs it), degraded when Graph answers but refuses some permission (what needs the others works),
 * up when every read went through. The reason names the areas that are not ok.
 */
export function graphFinding(areas: Readonly<Record<string, readonly ReadOutcome[]>>): ProbeFinding {
    const permissions = Object.fromEntries(Object.entries(areas).map(([area, reads]) => [area, permissionText(reads)]));
    const all = Object.values(areas).flat();
    const status = all.some(unusable) ? 'down' : all.every((o) => o.kind === 'ok') ? 'up' : 'degraded';
    const notOk = Object.entries(permissions).filter(([, text]) => text !== 'ok');
    return {
        status,
        ...(notOk.length > 0 ? { reason: notOk.map(([area, text]) => `${area}: ${text}`).join('; ') } : {}),
        permissions,
    };
}

const firstUserWire = z.object({ value: z.array(z.object({ id: z.string() })) });

export interface GraphProbeOptions {
    /**
     * The mailbox whose calendar proves the calendar permission: one the gateway is meant to reach (a mailbox the
     * tenant policy names, so inside an Exchange RBAC scope too). Without one: the first user the directory lists.
     */
    readonly calendarMailbox?: string | undefined;
}

/**
 * Graph, probed once per application permission the gateway relies on, app-only, each with a cheap read that needs
 * it: calendars (the default calendar of a mailbox), bookings (the list of booking businesses), directory (one user,
 * one group). A bad credential or a missing consent shows here, by name, not on the first cancel. Give it a client
 * that does not retry: the probe has its own timeout.
 */
export function graphProbe(graph: GraphClient, options: GraphProbeOptions = {}): HealthProbe {
    return {
        name: 'graph',
        async check(signal) {
            const read = async (call: Omit<GraphCall, 'method' | 'version' | 'signal'>, permission: string) => {
                try {
                    const result = await graph.send({ ...call, method: 'GET', version: 'v1.0', signal });
                    return { outcome: { kind: 'ok' } as ReadOutcome, body: result.body };
                } catch (error) {
                    return { outcome: outcomeOf(error, permission), body: undefined };
                }
            };
            const users = read({ path: usersPath, query: { $top: '1', $select: 'id' } }, graphPermissions.users);
            const groups = read({ path: groupsPath, query: { $top: '1', $select: 'id' } }, graphPermissions.groups);
            const bookings = read({ path: bookingBusinessesPath }, graphPermissions.bookings);
            const calendars = (async (): Promise<ReadOutcome> => {
                const listed = options.calendarMailbox === undefined ? await users : undefined;
                const mailbox = options.calendarMailbox ?? firstUserWire.safeParse(listed?.body).data?.value[0]?.id;
                if (mailbox === undefined) {
                    const why =
                        listed?.outcome.kind === 'ok' ? 'the directory listed no user' : 'the directory listing failed';
                    return { kind: 'untested', detail: `no mailbox to read (${why})` };
                }
                const { outcome } = await read(
                    { path: defaultCalendarPath(mailbox), query: { $select: 'id' } },
                    graphPermissions.calendars,
                );
                if (outcome.kind === 'missing')
                    return { ...outcome, permission: `${outcome.permission} (mailbox ${mailbox})` };
                if (outcome.kind === 'untested')
                    return { ...outcome, detail: `${outcome.detail} (mailbox ${mailbox})` };
                return outcome;
            })();
            return graphFinding({
                calendars: [await calendars],
                bookings: [(await bookings).outcome],
                directory: [(await users).outcome, (await groups).outcome],
            });
        },
    };
}
