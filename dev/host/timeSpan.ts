/**
 * Parses a .NET TimeSpan string as host.json and timer schedules use it: `hh:mm:ss`, `hh:mm`,
 * `d.hh:mm:ss`, with optional fractional seconds (`hh:mm:ss.fff`). Returns milliseconds, or
 * undefined when the text is not a TimeSpan.
 */
export function parseTimeSpan(text: string): number | undefined {
    const match = /^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?\s*$/.exec(text);
    if (!match) return undefined;
    const [, minus, days, hours, minutes, seconds, fraction] = match;
    const h = Number(hours);
    const m = Number(minutes);
    const s = Number(seconds ?? '0');
    if (h > 23 || m > 59 || s > 59) return undefined;
    const ms = fraction ? Math.round(Number(`0.${fraction}`) * 1000) : 0;
    const total = ((Number(days ?? '0') * 24 + h) * 60 + m) * 60_000 + s * 1000 + ms;
    return minus ? -total : total;
}
