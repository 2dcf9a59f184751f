import type { CancellationStore } from '../cancellation/store';
import type { Clock } from '../ports/clock';
import type { BookingSnapshot } from './bookingSnapshot';
import type { FeedChangeQueue } from './changeMessage';

/** The Bookings reads of the poll (app-only). Throttling beyond the client's `Retry-After` retries throws. */
export interface BookingsFeedGraph {
    /** Every booking business of the tenant (for `watch.bookingBusinesses: ["*"]`). */
    listBusinesses(): Promise<readonly string[]>;
    /** The business's appointments overlapping [start, end), every page. */
    calendarView(businessId: string, start: string, end: string): Promise<readonly BookingSnapshot[]>;
    /** Whether the appointment still exists (`false` on 404): one moved out of the window still does. */
    appointmentExists(businessId: string, appointmentId: string): Promise<boolean>;
}

/** The last snapshot of each watched business (Azure Table `bookingsnapshots`, one row per appointment). */
export interface BookingSnapshotStore {
    list(tenantId: string, businessId: string): Promise<readonly BookingSnapshot[]>;
    /** Upserts `changed` (new or different rows) and deletes the rows of `goneIds`. */
    replace(
        tenantId: string,
        businessId: string,
        changed: readonly BookingSnapshot[],
        goneIds: readonly string[],
    ): Promise<void>;
}

export interface BookingsPollDeps {
    readonly tenantId: string;
    /** `watch.bookingBusinesses` of the tenant policy; `"*"` is every business of the tenant. */
    readonly businesses: readonly string[];
    readonly windowMs: number;
    readonly graph: BookingsFeedGraph;
    readonly snapshots: BookingSnapshotStore;
    readonly records: Pick<CancellationStore, 'findByResource'>;
    readonly queue: FeedChangeQueue;
    readonly clock: Clock;
    readonly log: (message: string) => void;
}

export interface BookingsPollSummary {
    businesses: number;
    appointments: number;
    /** Vanished before their start, gone from Graph, no gateway record: sent to the worker. */
    cancelled: number;
    /** Vanished but not cancellations: their start passed, or they moved out of the window. */
    ended: number;
    moved: number;
    /** Businesses left for the next tick (Graph unavailable or throttled past the client's retries). */
    failed: number;
}

/**
 * One tick of the Bookings poll (docs/feed.md): each watched business's calendar view over [now, now + window]
 * against the last snapshot. An appointment missing now whose start is still ahead, and that Graph no longer has,
 * without a gateway record, goes to the `graph-changes` worker with its snapshot; then the snapshot is replaced. A
 * crash between the two sends it again next tick, and the worker's dedup makes that one record. Reads grow with the
 * window's appointments (plus one read per vanished one), not with history.
 */
export async function pollBookings(deps: BookingsPollDeps): Promise<BookingsPollSummary> {
    const summary: BookingsPollSummary = {
        businesses: 0,
        appointments: 0,
        cancelled: 0,
        ended: 0,
        moved: 0,
        failed: 0,
    };
    const businesses = deps.businesses.includes('*') ? await deps.graph.listBusinesses() : deps.businesses;
    for (const businessId of businesses) {
        summary.businesses++;
        try {
            await pollBusiness(businessId, deps, summary);
        } catch (error) {
            summary.failed++;
            deps.log(`bookings poll: ${businessId} left for the next tick: ${String(error)}`);
        }
    }
    return summary;
}

async function pollBusiness(businessId: string, deps: BookingsPollDeps, summary: BookingsPollSummary): Promise<void> {
    const now = deps.clock.now();
    const start = now.toISOString();
    const end = new Date(now.getTime() + deps.windowMs).toISOString();
    const [current, previous] = await Promise.all([
        deps.graph.calendarView(businessId, start, end),
        deps.snapshots.list(deps.tenantId, businessId),
    ]);
    summary.appointments += current.length;
    const seen = new Set(current.map((appointment) => appointment.id));
    const gone = previous.filter((appointment) => !seen.has(appointment.id));
    for (const appointment of gone) {
        if (Date.parse(appointment.start) <= now.getTime()) {
            summary.ended++;
            continue;
        }
        if (await deps.graph.appointmentExists(businessId, appointment.id)) {
            summary.moved++;
            continue;
        }
        const resourceKey = `bookingAppointment|${businessId.toLowerCase()}|${appointment.id}`;
        if ((await deps.records.findByResource(deps.tenantId, resourceKey)) !== null) continue;
        await deps.queue.enqueue({
            schemaVersion: 1,
            kind: 'bookingAppointment',
            tenantId: deps.tenantId,
            businessId,
            appointmentId: appointment.id,
            snapshot: JSON.stringify(appointment),
            observedAt: start,
        });
        summary.cancelled++;
    }
    // Only rows that changed are written: a quiet business costs its calendar view and one table query a tick.
    const before = new Map(previous.map((appointment) => [appointment.id, JSON.stringify(appointment)]));
    const changed = current.filter((appointment) => before.get(appointment.id) !== JSON.stringify(appointment));
    await deps.snapshots.replace(
        deps.tenantId,
        businessId,
        changed,
        gone.map((appointment) => appointment.id),
    );
}
