import type { JobItem, PlannedMeeting, Preview } from './wire';

/** Plain-text tables for a terminal or a log file: no colour, no box drawing, one meeting a line. */

const subjectWidth = 40;

/** `2026-12-03 14:30Z`: minutes are enough to recognise a meeting, and UTC as the gateway answers. */
export function shortInstant(iso: string): string {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return iso;
    return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function clip(text: string, width: number): string {
    const oneLine = text.replace(/\s+/g, ' ').trim();
    return oneLine.length <= width ? oneLine : `${oneLine.slice(0, width - 1)}…`;
}

function describeType(meeting: PlannedMeeting): string {
    if (meeting.type === 'seriesMaster')
        return meeting.occurrencesInWindow === undefined ? 'series' : `series (${meeting.occurrencesInWindow})`;
    if (meeting.type === 'singleInstance') return 'single';
    return meeting.type;
}

function describeReason(meeting: PlannedMeeting): string {
    if (meeting.action === 'endSeries' && meeting.seriesEndDate) return `ends ${meeting.seriesEndDate}`;
    return meeting.reason ?? '';
}

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const widths = header.map((title, column) =>
        Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const line = (cells: readonly string[]) =>
        cells
            .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
            .join('  ')
            .trimEnd();
    return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The preview: every meeting in start order with the action it would get, then the counts. */
export function formatPreviewTable(plan: Preview): string {
    const meetings = [...plan.meetings].sort(
        (a, b) => a.start.localeCompare(b.start) || a.subject.localeCompare(b.subject),
    );
    const table = formatColumns(
        ['SUBJECT', 'START', 'TYPE', 'ATTENDEES', 'ACTION', 'REASON'],
        meetings.map((m) => [
            clip(m.subject, subjectWidth),
            shortInstant(m.start),
            describeType(m),
            String(m.attendees),
            m.action,
            describeReason(m),
        ]),
    );
    const heading = `Preview for ${plan.mailbox}, ${shortInstant(plan.window.start)} to ${shortInstant(plan.window.end)}: ${plan.meetings.length} meeting(s)`;
    return `${heading}\n\n${table}\n\n${formatActionCounts(plan)}`;
}

const actionOrder = ['cancel', 'endSeries', 'decline', 'skip'];

/** `cancel 12, endSeries 3, decline 20, skip 5 (noAttendees 3, alreadyCancelled 2)`. */
export function formatActionCounts(plan: Preview): string {
    const actions = [
        ...actionOrder,
        ...Object.keys(plan.counts)
            .filter((action) => !actionOrder.includes(action))
            .sort(),
    ];
    const reasons = new Map<string, number>();
    for (const meeting of plan.meetings)
        if (meeting.action === 'skip' && meeting.reason)
            reasons.set(meeting.reason, (reasons.get(meeting.reason) ?? 0) + 1);
    const skipDetail =
        reasons.size === 0
            ? ''
            : ` (${[...reasons]
                  .sort(([a], [b]) => a.localeCompare(b))
                  .map(([reason, n]) => `${reason} ${n}`)
                  .join(', ')})`;
    const parts = actions.map(
        (action) => `${action} ${plan.counts[action] ?? 0}${action === 'skip' ? skipDetail : ''}`,
    );
    return `Actions: ${parts.join(', ')}`;
}

/** How many Graph writes the plan makes: everything but skips. */
export function writesPlanned(plan: Preview): number {
    return Object.entries(plan.counts)
        .filter(([action]) => action !== 'skip')
        .reduce((sum, [, n]) => sum + n, 0);
}

/** The meetings whose write failed, with Graph's error code and message. */
export function formatFailures(items: readonly JobItem[]): string {
    const rows = [...items]
        .sort((a, b) => a.start.localeCompare(b.start))
        .map((item) => [
            clip(item.subject, subjectWidth),
            shortInstant(item.start),
            item.action,
            item.error?.code ?? '',
            clip(item.error?.message ?? '', 100),
        ]);
    return `${items.length} meeting(s) failed:\n\n${formatColumns(['SUBJECT', 'START', 'ACTION', 'ERROR', 'MESSAGE'], rows)}`;
}
