import type { BulkRequest } from '../../src/domain/bulk/bulkJob';
import { planBulk } from '../../src/domain/bulk/planner';
import type { CalendarViewItem, SeriesMaster } from '../../src/domain/bulk/ports';
import { meeting as item } from '../support/bulkJobHarness';

const window = { start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' };
const request: BulkRequest = {
    mailbox: 'dana@contoso.test',
    window,
    organized: 'cancel',
    series: 'endBeforeWindow',
    invited: 'decline',
};

function occurrence(masterId: string, day: string, overrides: Partial<CalendarViewItem> = {}): CalendarViewItem {
    return item(`${masterId}-${day}`, {
        type: 'occurrence',
        seriesMasterId: masterId,
        start: `${day}T09:00:00.000Z`,
        end: `${day}T09:30:00.000Z`,
        ...overrides,
    });
}

function master(
    id: string,
    start: string,
    rangeStartDate: string,
    overrides: Partial<SeriesMaster> = {},
): SeriesMaster {
    return {
        ...item(id, { type: 'seriesMaster', start, end: start }),
        rangeStartDate,
        recurrence: { pattern: { type: 'weekly' }, range: { type: 'noEnd', startDate: rangeStartDate } },
        ...overrides,
    };
}

function plan(
    items: CalendarViewItem[],
    options: { masters?: SeriesMaster[]; byGateway?: string[]; request?: Partial<BulkRequest> } = {},
) {
    return planBulk({
        request: { ...request, ...options.request },
        items,
        masters: new Map((options.masters ?? []).map((m) => [m.id, m])),
        cancelledByGateway: new Set(options.byGateway ?? []),
    });
}

describe('planBulk: what each meeting of a departing user gets', () => {
    it('cancels a single meeting the user organizes with attendees', () => {
        const { meetings, counts } = plan([item('A')]);
        expect(meetings).toEqual([
            expect.objectContaining({ eventId: 'A', type: 'singleInstance', attendees: 2, action: 'cancel' }),
        ]);
        expect(counts).toEqual({ cancel: 1, endSeries: 0, decline: 0, skip: 0 });
    });

    it('skips a meeting without attendees or resources, and says so', () => {
        expect(plan([item('A', { attendees: 0 })]).meetings[0]).toMatchObject({
            action: 'skip',
            reason: 'noAttendees',
        });
    });

    it('skips what Graph shows cancelled already', () => {
        expect(plan([item('A', { isCancelled: true })]).meetings[0]).toMatchObject({
            action: 'skip',
            reason: 'alreadyCancelled',
        });
    });

    it('skips what the gateway cancelled before (a record holds it)', () => {
        expect(plan([item('A')], { byGateway: ['A'] }).meetings[0]).toMatchObject({
            action: 'skip',
            reason: 'cancelledByGateway',
        });
    });

    it('skips organized meetings when organized is skip', () => {
        expect(plan([item('A')], { request: { organized: 'skip' } }).meetings[0]).toMatchObject({
            action: 'skip',
            reason: 'organizedLeft',
        });
    });

    it('declines an invitation, or leaves it when invited is leave', () => {
        const invitation = item('A', { isOrganizer: false });
        expect(plan([invitation]).meetings[0]).toMatchObject({ action: 'decline' });
        expect(plan([invitation], { request: { invited: 'leave' } }).meetings[0]).toMatchObject({
            action: 'skip',
            reason: 'invitationLeft',
        });
    });

    it('declines a cancelled invitation not at all', () => {
        expect(plan([item('A', { isOrganizer: false, isCancelled: true })]).meetings[0]).toMatchObject({
            action: 'skip',
            reason: 'alreadyCancelled',
        });
    });

    it('skips meetings outside match: subject (case-insensitive) and categories (any one)', () => {
        const items = [
            item('A', { subject: 'Weekly 1:1 with Dana' }),
            item('B', { subject: 'Board meeting' }),
            item('C', { subject: 'Project sync', categories: ['Red category'] }),
        ];
        const bySubject = plan(items, { request: { match: { subjectContains: 'DANA' } } }).meetings;
        expect(bySubject.map((m) => [m.eventId, m.action])).toEqual([
            ['A', 'cancel'],
            ['B', 'skip'],
            ['C', 'skip'],
        ]);
        expect(bySubject[1]).toMatchObject({ reason: 'notMatched' });
        const byCategory = plan(items, { request: { match: { categories: ['red CATEGORY', 'Blue'] } } }).meetings;
        expect(byCategory.map((m) => m.action)).toEqual(['skip', 'skip', 'cancel']);
    });

    it('ends a series that started before the window on the day before its first occurrence in the window, as one meeting', () => {
        const items = [
            occurrence('S', '2026-12-02'),
            occurrence('S', '2026-12-09', { type: 'exception' }),
            occurrence('S', '2026-12-16'),
        ];
        const { meetings, counts } = plan(items, { masters: [master('S', '2026-01-07T09:00:00.000Z', '2026-01-07')] });
        expect(meetings).toEqual([
            expect.objectContaining({
                eventId: 'S',
                type: 'seriesMaster',
                occurrencesInWindow: 3,
                start: '2026-12-02T09:00:00.000Z',
                action: 'endSeries',
                seriesEndDate: '2026-12-01',
            }),
        ]);
        expect(counts).toEqual({ cancel: 0, endSeries: 1, decline: 0, skip: 0 });
    });

    it("ends it in the recurrence's own days when they differ from UTC's (a series east of UTC)", () => {
        // 08:00 in Auckland is 19:00 UTC the day before: the range starts a day after the master's UTC start.
        const items = [occurrence('S', '2026-12-01', { start: '2026-12-01T19:00:00.000Z' })];
        const master_ = master('S', '2026-01-06T19:00:00.000Z', '2026-01-07');
        expect(plan(items, { masters: [master_] }).meetings[0]).toMatchObject({
            action: 'endSeries',
            seriesEndDate: '2026-12-01',
        });
    });

    it('cancels whole a series that starts inside the window, and any series when series is cancel', () => {
        const inside = plan([occurrence('S', '2026-12-09')], {
            masters: [master('S', '2026-12-09T09:00:00.000Z', '2026-12-09')],
        });
        expect(inside.meetings[0]).toMatchObject({ eventId: 'S', action: 'cancel' });
        const before = master('T', '2026-01-07T09:00:00.000Z', '2026-01-07');
        const whole = plan([occurrence('T', '2026-12-02')], { masters: [before], request: { series: 'cancel' } });
        expect(whole.meetings[0]).toMatchObject({ eventId: 'T', action: 'cancel' });
    });

    it('cancels whole a series whose first occurrence overlaps the window start (nothing before it to keep)', () => {
        const first = occurrence('S', '2026-11-30', {
            start: '2026-11-30T23:30:00.000Z',
            end: '2026-12-01T00:30:00.000Z',
        });
        const result = plan([first], { masters: [master('S', '2026-11-30T23:30:00.000Z', '2026-11-30')] });
        expect(result.meetings[0]).toMatchObject({ action: 'cancel' });
    });

    it('skips a series whose occurrences in the window are all cancelled, and one the gateway cancelled', () => {
        const s = master('S', '2026-01-07T09:00:00.000Z', '2026-01-07');
        expect(
            plan([occurrence('S', '2026-12-02', { isCancelled: true })], { masters: [s] }).meetings[0],
        ).toMatchObject({
            action: 'skip',
            reason: 'alreadyCancelled',
        });
        expect(plan([occurrence('S', '2026-12-02')], { masters: [s], byGateway: ['S'] }).meetings[0]).toMatchObject({
            reason: 'cancelledByGateway',
        });
    });

    it('decides a series from its master: an invited series is declined once, an organized one without attendees skipped', () => {
        const invited = master('S', '2026-01-07T09:00:00.000Z', '2026-01-07', { isOrganizer: false });
        expect(
            plan([occurrence('S', '2026-12-02', { isOrganizer: false })], { masters: [invited] }).meetings[0],
        ).toMatchObject({
            eventId: 'S',
            action: 'decline',
        });
        const alone = master('T', '2026-01-07T09:00:00.000Z', '2026-01-07', { attendees: 0 });
        expect(plan([occurrence('T', '2026-12-02', { attendees: 0 })], { masters: [alone] }).meetings[0]).toMatchObject(
            {
                reason: 'noAttendees',
            },
        );
    });

    it('cancels a series whose master could not be read through the master id (the whole series, never a guess at its end)', () => {
        expect(plan([occurrence('S', '2026-12-02')]).meetings[0]).toMatchObject({ eventId: 'S', action: 'cancel' });
    });

    it('lists every meeting found, in start order', () => {
        const items = [
            item('B', { start: '2026-12-20T09:00:00.000Z' }),
            occurrence('S', '2026-12-02'),
            item('A', { attendees: 0 }),
        ];
        expect(plan(items).meetings.map((m) => m.eventId)).toEqual(['S', 'A', 'B']);
    });
});
