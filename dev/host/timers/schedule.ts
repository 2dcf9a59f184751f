import { Cron } from 'croner';
import { parseTimeSpan } from '../timeSpan';

/** A timer trigger schedule: six-field NCRONTAB in UTC, or a constant TimeSpan interval. */
export interface TimerSchedule {
    readonly text: string;
    readonly adjustForDST: boolean;
    /** The first occurrence strictly after `after`. */
    next(after: Date): Date;
}

class CronSchedule implements TimerSchedule {
    readonly adjustForDST = true;
    readonly #cron: Cron;

    constructor(readonly text: string) {
        const fields = text.trim().split(/\s+/);
        if (fields.length !== 6) {
            throw new Error(
                `Invalid schedule '${text}': NCRONTAB needs six fields {second} {minute} {hour} {day} {month} {day-of-week}`,
            );
        }
        // NCRONTAB knows neither Quartz's '?', 'L', 'W' nor '#'.
        if (
            fields.some((f) => /[?#]/.test(f)) ||
            fields.slice(3).some((f) => /(^|[,\-/])(L|W|\d+W|LW)($|[,\-/])/i.test(f))
        ) {
            throw new Error(`Invalid schedule '${text}': '?', 'L', 'W' and '#' are not NCRONTAB`);
        }
        // NCRONTAB ANDs day-of-month and day-of-week (unlike Vixie cron); day-of-week 0 = Sunday.
        this.#cron = new Cron(fields.join(' '), {
            paused: true,
            timezone: 'UTC',
            mode: '6-part',
            domAndDow: true,
            alternativeWeekdays: false,
        });
    }

    next(after: Date): Date {
        const next = this.#cron.nextRun(after);
        if (!next) throw new Error(`Schedule '${this.text}' has no next occurrence after ${after.toISOString()}`);
        return next;
    }
}

class ConstantSchedule implements TimerSchedule {
    readonly adjustForDST = false;
    constructor(
        readonly text: string,
        readonly intervalMs: number,
    ) {
        if (intervalMs <= 0) throw new Error(`Invalid schedule '${text}': the interval must be positive`);
    }
    next(after: Date): Date {
        return new Date(after.getTime() + this.intervalMs);
    }
}

export function parseSchedule(text: string): TimerSchedule {
    const interval = parseTimeSpan(text);
    if (interval !== undefined && !/\s/.test(text.trim())) return new ConstantSchedule(text, interval);
    return new CronSchedule(text);
}

/**
 * The host's `useMonitor` default: true when occurrences are at least a minute apart, which it
 * estimates from the next two occurrences.
 */
export function defaultUseMonitor(schedule: TimerSchedule, now: Date = new Date()): boolean {
    const first = schedule.next(now);
    const second = schedule.next(first);
    return second.getTime() - first.getTime() >= 60_000;
}
