import { defaultUseMonitor, parseSchedule } from '../../dev/host/timers/schedule';

const at = (iso: string): Date => new Date(iso);

describe('timer schedules: six-field NCRONTAB (UTC) and TimeSpan', () => {
    it('reads {second} {minute} {hour} {day} {month} {day-of-week} in UTC', () => {
        const s = parseSchedule('30 15 9 * * *');
        expect(s.next(at('2026-03-01T09:15:29Z')).toISOString()).toBe('2026-03-01T09:15:30.000Z');
        expect(s.next(at('2026-03-01T09:15:30Z')).toISOString()).toBe('2026-03-02T09:15:30.000Z');
    });

    it('supports steps, ranges and lists', () => {
        expect(parseSchedule('*/15 * * * * *').next(at('2026-03-01T00:00:16Z')).toISOString()).toBe(
            '2026-03-01T00:00:30.000Z',
        );
        expect(parseSchedule('0 0 6,18 * * *').next(at('2026-03-01T07:00:00Z')).toISOString()).toBe(
            '2026-03-01T18:00:00.000Z',
        );
        expect(parseSchedule('0 0 9-17/4 * * *').next(at('2026-03-01T10:00:00Z')).toISOString()).toBe(
            '2026-03-01T13:00:00.000Z',
        );
        expect(parseSchedule('0 0 0 1 JAN,jul *').next(at('2026-02-01T00:00:00Z')).toISOString()).toBe(
            '2026-07-01T00:00:00.000Z',
        );
    });

    it('numbers days of the week from 0 = Sunday, and accepts names', () => {
        // 2026-03-07 is a Saturday
        expect(parseSchedule('0 0 0 * * 0').next(at('2026-03-07T12:00:00Z')).toISOString()).toBe(
            '2026-03-08T00:00:00.000Z',
        );
        expect(parseSchedule('0 30 9 * * 1-5').next(at('2026-03-07T12:00:00Z')).toISOString()).toBe(
            '2026-03-09T09:30:00.000Z',
        );
        expect(parseSchedule('0 0 0 * * Fri').next(at('2026-03-07T12:00:00Z')).toISOString()).toBe(
            '2026-03-13T00:00:00.000Z',
        );
    });

    it('requires day-of-month AND day-of-week when both are restricted, as NCrontab does', () => {
        // next Friday the 13th after 2026-03-14 is 2026-11-13
        expect(parseSchedule('0 0 12 13 * 5').next(at('2026-03-14T00:00:00Z')).toISOString()).toBe(
            '2026-11-13T12:00:00.000Z',
        );
    });

    it('rejects five-field and Quartz-only syntax', () => {
        expect(() => parseSchedule('*/5 * * * *')).toThrow(/six fields/);
        expect(() => parseSchedule('0 0 12 ? * MON')).toThrow(/NCRONTAB/);
        expect(() => parseSchedule('0 0 12 L * *')).toThrow(/NCRONTAB/);
    });

    it('reads a TimeSpan as a constant interval', () => {
        const s = parseSchedule('00:00:05');
        expect(s.next(at('2026-03-01T00:00:00Z')).toISOString()).toBe('2026-03-01T00:00:05.000Z');
        expect(s.adjustForDST).toBe(false);
        expect(parseSchedule('1.00:00:00').next(at('2026-03-01T00:00:00Z')).toISOString()).toBe(
            '2026-03-02T00:00:00.000Z',
        );
    });

    it('defaults useMonitor to true only for schedules at least a minute apart', () => {
        expect(defaultUseMonitor(parseSchedule('*/2 * * * * *'))).toBe(false);
        expect(defaultUseMonitor(parseSchedule('0 */5 * * * *'))).toBe(true);
        expect(defaultUseMonitor(parseSchedule('00:00:30'))).toBe(false);
        expect(defaultUseMonitor(parseSchedule('00:01:00'))).toBe(true);
    });
});
