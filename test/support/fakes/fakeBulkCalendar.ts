import type { BulkWindow } from '../../../src/domain/bulk/bulkJob';
import type { BulkCalendarGraph, CalendarViewItem, SeriesMaster } from '../../../src/domain/bulk/ports';
import { UpstreamError } from '../../../src/errors/upstreamError';

/** Graph at the bulk port: one user's calendar view and series masters; every write is recorded. */
export class FakeBulkCalendar implements BulkCalendarGraph {
    readonly reads: string[] = [];
    readonly writes: string[] = [];
    /** Writes the fake refuses, by event id, as Graph would (the next write succeeds). */
    readonly failNext = new Map<string, UpstreamError>();

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

    private write(call: string, eventId: string): Promise<void> {
        const failure = this.failNext.get(eventId);
        this.writes.push(call);
        if (failure) {
            this.failNext.delete(eventId);
            return Promise.reject(failure);
        }
        return Promise.resolve();
    }
}
