import * as z from 'zod';
import type { BulkWindow } from '../../domain/bulk/bulkJob';
import type { BulkCalendarGraph, CalendarViewItem, SeriesMaster } from '../../domain/bulk/ports';
import { BadRequestError } from '../../errors/appError';
import {
    bulkViewSelect,
    calendarViewPath,
    declineSegment,
    pageLinkCall,
    seriesMasterSelect,
    userEventPath,
} from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';
import { eventWire } from './wireShapes';

/** Items per calendar view page (Outlook serves up to 1,000). */
const pageSize = 250;
/** A calendar view longer than this is refused rather than held in memory: narrow the window. */
export const maxCalendarViewItems = 20_000;

const viewItemWire = eventWire.extend({ categories: z.array(z.string()).nullish() });
const pageWire = z.object({ value: z.array(viewItemWire), '@odata.nextLink': z.string().nullish() });
const masterWire = viewItemWire.extend({
    recurrence: z.object({ range: z.object({ startDate: z.string() }).loose(), pattern: z.unknown() }).loose(),
});

function viewItem(wire: z.output<typeof viewItemWire>): CalendarViewItem {
    return {
        id: wire.id,
        subject: wire.subject ?? '',
        start: wire.start ?? '',
        end: wire.end ?? '',
        type: wire.type ?? 'singleInstance',
        seriesMasterId: wire.seriesMasterId ?? undefined,
        isOrganizer: wire.isOrganizer ?? false,
        isCancelled: wire.isCancelled ?? false,
        attendees: wire.attendees?.length ?? 0,
        categories: wire.categories ?? [],
    };
}

/** Graph's calendar view, series masters, `decline` and recurrence updates, for bulk cancellation. */
export class GraphBulkCalendar implements BulkCalendarGraph {
    constructor(private readonly graph: GraphClient) {}

    async calendarView(userId: string, window: BulkWindow): Promise<readonly CalendarViewItem[]> {
        const items: CalendarViewItem[] = [];
        let call: { path: string; query: Record<string, string> } | undefined = {
            path: calendarViewPath(userId),
            query: {
                startDateTime: window.start,
                endDateTime: window.end,
                $select: bulkViewSelect,
                $top: String(pageSize),
            },
        };
        while (call !== undefined) {
            const result = await this.graph.send({ method: 'GET', version: 'v1.0', ...call });
            const page = parsedResult(result, (body) => pageWire.parse(body));
            items.push(...page.value.map(viewItem));
            if (items.length > maxCalendarViewItems) {
                throw new BadRequestError(
                    'windowTooLarge',
                    `The window holds more than ${maxCalendarViewItems} calendar items; use a shorter one.`,
                );
            }
            const next = page['@odata.nextLink'];
            call = next ? pageLinkCall(next, 'v1.0') : undefined;
        }
        return items;
    }

    async getSeriesMaster(userId: string, masterId: string): Promise<SeriesMaster> {
        const result = await this.graph.send({
            method: 'GET',
            version: 'v1.0',
            path: userEventPath(userId, masterId),
            query: { $select: seriesMasterSelect },
        });
        const wire = parsedResult(result, (body) => masterWire.parse(body));
        return {
            ...viewItem(wire),
            rangeStartDate: wire.recurrence.range.startDate,
            recurrence: wire.recurrence,
        };
    }

    async decline(userId: string, eventId: string, comment: string | undefined): Promise<void> {
        await this.graph.send({
            method: 'POST',
            version: 'v1.0',
            path: `${userEventPath(userId, eventId)}${declineSegment}`,
            body: { ...(comment === undefined ? {} : { comment }), sendResponse: true },
        });
    }

    async endSeries(userId: string, master: SeriesMaster, endDate: string): Promise<void> {
        const range = (master.recurrence.range ?? {}) as Record<string, unknown>;
        const { numberOfOccurrences: _count, ...kept } = range;
        await this.graph.send({
            method: 'PATCH',
            version: 'v1.0',
            path: userEventPath(userId, master.id),
            body: { recurrence: { ...master.recurrence, range: { ...kept, type: 'endDate', endDate } } },
        });
    }
}
