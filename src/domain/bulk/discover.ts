import { UpstreamError } from '../../errors/upstreamError';
import type { CancellationStore } from '../cancellation/store';
import type { BulkPlan, BulkRequest } from './bulkJob';
import { planBulk } from './planner';
import type { BulkCalendarGraph, SeriesMaster } from './ports';

export interface DiscoverDeps {
    readonly graph: BulkCalendarGraph;
    /** Asked for each single meeting and series, to skip what the gateway cancelled before. */
    readonly records: Pick<CancellationStore, 'findByResource'>;
}

/** Whose calendar: the tenant and the user's object id (resolved from the request's UPN or id). */
export interface BulkMailbox {
    readonly tenantId: string;
    readonly userId: string;
}

/** The key a cancellation record of an event in a user's mailbox is found by (as eventCancel.ts makes it). */
export function eventResourceKey(userId: string, eventId: string): string {
    return `event|user:${userId}|${eventId}`;
}

/**
 * Reads the mailbox's calendar view over the window, the master of each series seen in it (once each), and which of
 * them the gateway already cancelled, then plans (planner.ts). Reads only: nothing is written to Graph.
 */
export async function discoverPlan(deps: DiscoverDeps, mailbox: BulkMailbox, request: BulkRequest): Promise<BulkPlan> {
    const items = await deps.graph.calendarView(mailbox.userId, request.window);
    const masterIds = [...new Set(items.flatMap((item) => (item.seriesMasterId ? [item.seriesMasterId] : [])))];
    const masters = new Map<string, SeriesMaster>();
    for (const masterId of masterIds) {
        try {
            masters.set(masterId, await deps.graph.getSeriesMaster(mailbox.userId, masterId));
        } catch (error) {
            // A master gone between the two reads is planned from its occurrences.
            if (!(error instanceof UpstreamError && error.status === 404)) throw error;
        }
    }
    const written = [...items.filter((item) => !item.seriesMasterId).map((item) => item.id), ...masterIds];
    const cancelledByGateway = new Set<string>();
    for (const eventId of written) {
        const record = await deps.records.findByResource(mailbox.tenantId, eventResourceKey(mailbox.userId, eventId));
        if (record && record.value.state !== 'failed') cancelledByGateway.add(eventId);
    }
    return planBulk({ request, items, masters, cancelledByGateway });
}
