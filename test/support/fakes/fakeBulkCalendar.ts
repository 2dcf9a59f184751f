import { eventPath } from '../../../src/adapters/graph/graphAddress';
import type { BulkWindow } from '../../../src/domain/bulk/bulkJob';
import type {
    BookingsGraph,
    CalendarGraph,
    EventLocator,
    EventSnapshot,
    RecordedEvent,
} from '../../../src/domain/cancellation/graphPorts';
import type { BulkCalendarGraph, CalendarViewItem, SeriesMaster } from '../../../src/domain/bulk/ports';
import type { AppError } from '../../../src/errors/appError';
import { UpstreamError } from '../../../src/errors/upstreamError';

/**
 * Graph at the bulk port and at the cancel port: one user's calendar view and series masters; every write is
 * recorded (`cancel <id> <comment>`, `decline …`, `endSeries …`).
 */
export class FakeBulkCalendar implements BulkCalendarGraph, CalendarGraph, BookingsGraph {
    readonly cancelled = new Set<string>();
    /** When each write happened, by the test's clock. */
    readonly writeTimes: number[] = [];
    now: () => number = () => 0;
    readonly reads: string[] = [];
    readonly writes: string[] = [];
    /** Writes the fake refuses, by event id, as Graph would (the next write succeeds). */
    readonly failNext = new Map<string, AppError>();
    /** What a write waits for before Graph answers (a test's clock step, or a turn of the event loop). */
    beforeAnswer: () => Promise<void> | void = () => undefined;
    /** Writes under way now, and the most there ever were at once. */
    inFlight = 0;
    maxInFlight = 0;

    constructor(
        readonly userId: string,
        readonly items: CalendarViewItem[],
        readonly masters: SeriesMaster[] = [],
    ) {}

    calendarView(userId: string, window: BulkWindow): Promise<readonly CalendarViewItem[]> {
        this.reads.push(`calendarView ${userId} ${window.start}..${window.end}`);
        if (userId !== this.userId) return Promise.resolve([]);
        return Promise.resolve(this.items.filter((item) => item.start < window.end && item.end > window.start));
    }

    getSeriesMaster(userId: string, masterId: string): Promise<SeriesMaster> {
        this.reads.push(`master ${masterId}`);
        const master = this.masters.find((m) => m.id === masterId);
        if (userId !== this.userId || !master) {
            return Promise.reject(new UpstreamError(404, 'ErrorItemNotFound', 'Not found.', 'rejected', undefined));
        }
        return Promise.resolve(master);
    }

    decline(userId: string, eventId: string, comment: string | undefined): Promise<void> {
        return this.write(`decline ${userId} ${eventId} ${comment ?? ''}`, eventId);
    }

    endSeries(userId: string, master: SeriesMaster, endDate: string): Promise<void> {
        return this.write(`endSeries ${userId} ${master.id} ${endDate}`, master.id);
    }

    eventPath(locator: EventLocator): string {
        return eventPath(locator);
    }

    getEvent(locator: EventLocator | RecordedEvent): Promise<EventSnapshot & { requestId: string }> {
        const id = decodeURIComponent(eventPath(locator).split('/').pop() ?? '');
        const found = [...this.items, ...this.masters].find((item) => item.id === id);
        if (!found) {
            return Promise.reject(new UpstreamError(404, 'ErrorItemNotFound', 'Not found.', 'rejected', undefined));
        }
        return Promise.resolve({
            id,
            isOrganizer: found.isOrganizer,
            isCancelled: found.isCancelled || this.cancelled.has(id),
            type: found.type,
            subject: found.subject,
            start: found.start,
            end: found.end,
            attendees: Array.from({ length: found.attendees }, (_, i) => ({
                address: `attendee${i}@contoso.test`,
                type: 'required',
            })),
            requestId: 'graph-get',
        });
    }

    async cancelEvent(locator: EventLocator | RecordedEvent, comment: string | undefined) {
        const id = decodeURIComponent(eventPath(locator).split('/').pop() ?? '');
        await this.write(`cancel ${id} ${comment ?? ''}`, id);
        this.cancelled.add(id);
        return { requestId: 'graph-cancel' };
    }

    appointmentPath(): never {
        throw new Error('not a Bookings test');
    }
    getAppointment(): never {
        throw new Error('not a Bookings test');
    }
    cancelAppointment(): never {
        throw new Error('not a Bookings test');
    }

    private async write(call: string, eventId: string): Promise<void> {
        const failure = this.failNext.get(eventId);
        this.writes.push(call);
        this.writeTimes.push(this.now());
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
            await this.beforeAnswer();
        } finally {
            this.inFlight -= 1;
        }
        if (failure) {
            this.failNext.delete(eventId);
            throw failure;
        }
    }
}
