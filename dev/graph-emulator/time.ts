/** `{dateTime: "2019-04-16T20:30:00.0000000", timeZone: "UTC"}` as Graph returns events in UTC. */
export function eventDateTime(ms: number): { dateTime: string; timeZone: string } {
    return { dateTime: `${new Date(ms).toISOString().slice(0, 19)}.0000000`, timeZone: 'UTC' };
}

/** Bookings' form: always UTC with a trailing `Z`, e.g. `2018-05-06T12:00:00.0000000Z`. */
export function bookingDateTime(ms: number): { dateTime: string; timeZone: string } {
    return { dateTime: `${new Date(ms).toISOString().slice(0, 19)}.0000000Z`, timeZone: 'UTC' };
}

export function isoInstant(ms: number): string {
    return `${new Date(ms).toISOString().slice(0, 19)}.0000000Z`;
}

/** Parses an ISO 8601 value; a value without an offset is taken as UTC (Graph's default without Prefer). */
export function parseInstant(value: string): number | undefined {
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value.trim())) {
        return undefined;
    }
    let text = value.trim();
    const fraction = /\.(\d+)/.exec(text);
    if (fraction?.[1] && fraction[1].length > 3) text = text.replace(/\.(\d+)/, `.${fraction[1].slice(0, 3)}`);
    if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T')) text += 'Z';
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
}

export function durationIso(ms: number): string {
    const minutes = Math.round(ms / 60000);
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    if (minutes === 0) return 'PT0S';
    return `PT${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}`;
}

export const dayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** The emulator's notion of "now" (epoch ms), for limits measured over time (the sending limit). */
export interface Clock {
    now(): number;
}

/**
 * The system clock plus an offset that `POST /_emulator/clock/advance` (or a test holding the state) moves forward,
 * so a per-minute limit can be crossed without waiting a minute. A test may inject its own clock instead.
 */
export class EmulatorClock implements Clock {
    private offsetMs = 0;

    constructor(private readonly base: Clock = { now: () => Date.now() }) {}

    now(): number {
        return this.base.now() + this.offsetMs;
    }

    advance(ms: number): void {
        this.offsetMs += ms;
    }

    reset(): void {
        this.offsetMs = 0;
    }
}
