import { type BulkMatch, type BulkPlan, type BulkRequest, countActions, type PlannedMeeting } from './bulkJob';
import type { CalendarViewItem, SeriesMaster } from './ports';

export interface PlanInput {
    readonly request: BulkRequest;
    /** The calendar view over the window: singles, occurrences and exceptions. */
    readonly items: readonly CalendarViewItem[];
    /** The master of every series seen in the view, by id (a missing one plans from its occurrences). */
    readonly masters: ReadonlyMap<string, SeriesMaster>;
    /** Event ids (singles and masters) the gateway holds a cancellation record for. */
    readonly cancelledByGateway: ReadonlySet<string>;
}

const dayMs = 86_400_000;

/**
 * Decides each meeting's action from Graph's data alone (no I/O, so the preview and the run decide alike):
 *
 * - outside `match` → skip `notMatched`; cancelled in Graph (for a series: every occurrence in the window) → skip
 *   `alreadyCancelled`; the gateway holds a record for it → skip `cancelledByGateway`;
 * - organizer: `organized: skip` → skip `organizedLeft`; nobody invited → skip `noAttendees`; a single meeting →
 *   `cancel`; a series → `cancel` (the master: the whole series) when `series` is `cancel` or the series starts inside
 *   the window, else `endSeries` on the day before its first occurrence in the window, so its history stays;
 * - invited: `decline` (the series master for a series), or skip `invitationLeft` when `invited` is `leave`.
 */
export function planBulk(input: PlanInput): BulkPlan {
    const singles: CalendarViewItem[] = [];
    const series = new Map<string, CalendarViewItem[]>();
    for (const item of input.items) {
        if (item.seriesMasterId === undefined || item.type === 'singleInstance') {
            singles.push(item);
        } else {
            const occurrences = series.get(item.seriesMasterId) ?? [];
            occurrences.push(item);
            series.set(item.seriesMasterId, occurrences);
        }
    }
    const meetings: PlannedMeeting[] = [
        ...singles.map((item) => planSingle(input, item)),
        ...[...series].map(([masterId, occurrences]) => planSeries(input, masterId, occurrences)),
    ];
    meetings.sort((a, b) => a.start.localeCompare(b.start) || a.eventId.localeCompare(b.eventId));
    return { meetings, counts: countActions(meetings) };
}

function planSingle(input: PlanInput, item: CalendarViewItem): PlannedMeeting {
    const meeting = {
        eventId: item.id,
        subject: item.subject,
        start: item.start,
        end: item.end,
        type: 'singleInstance' as const,
        isOrganizer: item.isOrganizer,
        attendees: item.attendees,
    };
    const skip = skipReason(input, item, item.isCancelled, item.id);
    if (skip !== undefined) return { ...meeting, action: 'skip', reason: skip };
    return { ...meeting, ...roleAction(input.request, item, () => ({ action: 'cancel' })) };
}

function planSeries(input: PlanInput, masterId: string, occurrences: readonly CalendarViewItem[]): PlannedMeeting {
    const byStart = [...occurrences].sort((a, b) => a.start.localeCompare(b.start));
    const first = byStart[0] as CalendarViewItem;
    const master = input.masters.get(masterId);
    const described = master ?? first;
    const meeting = {
        eventId: masterId,
        subject: described.subject,
        start: first.start,
        end: first.end,
        type: 'seriesMaster' as const,
        occurrencesInWindow: occurrences.length,
        isOrganizer: described.isOrganizer,
        attendees: described.attendees,
    };
    const allCancelled = (master?.isCancelled ?? false) || occurrences.every((item) => item.isCancelled);
    const skip = skipReason(input, described, allCancelled, masterId);
    if (skip !== undefined) return { ...meeting, action: 'skip', reason: skip };
    return {
        ...meeting,
        ...roleAction(input.request, described, () => {
            const endDate = master === undefined ? undefined : endBeforeWindow(input.request, master, first);
            return endDate === undefined ? { action: 'cancel' } : { action: 'endSeries', seriesEndDate: endDate };
        }),
    };
}

type Decision = Pick<PlannedMeeting, 'action' | 'reason' | 'seriesEndDate'>;

function skipReason(
    input: PlanInput,
    item: CalendarViewItem,
    cancelled: boolean,
    eventId: string,
): PlannedMeeting['reason'] {
    if (!matches(input.request.match, item)) return 'notMatched';
    if (cancelled) return 'alreadyCancelled';
    if (input.cancelledByGateway.has(eventId)) return 'cancelledByGateway';
    return undefined;
}

function roleAction(request: BulkRequest, item: CalendarViewItem, organizerAction: () => Decision): Decision {
    if (!item.isOrganizer) {
        return request.invited === 'decline' ? { action: 'decline' } : skipped('invitationLeft');
    }
    if (request.organized === 'skip') return skipped('organizedLeft');
    if (item.attendees === 0) return skipped('noAttendees');
    return organizerAction();
}

function skipped(reason: NonNullable<PlannedMeeting['reason']>): Decision {
    return { action: 'skip', reason };
}

function matches(match: BulkMatch | undefined, item: CalendarViewItem): boolean {
    if (match === undefined) return true;
    const subject = match.subjectContains?.toLowerCase();
    if (subject !== undefined && subject !== '' && !item.subject.toLowerCase().includes(subject)) return false;
    const wanted = match.categories?.map((category) => category.toLowerCase()) ?? [];
    if (wanted.length > 0 && !item.categories.some((category) => wanted.includes(category.toLowerCase()))) {
        return false;
    }
    return true;
}

/**
 * The recurrence's new last day when the series is to keep its history: the day before its first occurrence in the
 * window, in the recurrence's time zone. Graph gives times in UTC and the range in that time zone; the series' first
 * occurrence (the master's start, UTC) against `range.startDate` gives the day shift between them (-1, 0 or +1; at
 * most one occurrence falls on a day). `undefined` when the series is cancelled whole: `series: cancel`, or nothing of
 * it lies before the window.
 */
function endBeforeWindow(request: BulkRequest, master: SeriesMaster, first: CalendarViewItem): string | undefined {
    if (request.series === 'cancel') return undefined;
    if (!(Date.parse(master.start) < Date.parse(request.window.start))) return undefined;
    const shiftMs = Date.parse(`${master.rangeStartDate}T00:00:00Z`) - Date.parse(`${utcDay(master.start)}T00:00:00Z`);
    const firstLocalDay = Date.parse(`${utcDay(first.start)}T00:00:00Z`) + shiftMs;
    const endDate = new Date(firstLocalDay - dayMs).toISOString().slice(0, 10);
    return endDate < master.rangeStartDate ? undefined : endDate;
}

function utcDay(iso: string): string {
    return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}
