import { currentLogScope } from './logScope';
import { redact } from './redact';

export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Writes one JSON line `{ ts, level, msg, requestId?, cancellationId?, graphRequestId?, function?,
 * invocationId?, … }`, redacted, through the current invocation's `context` (so the host and Application
 * Insights get it as a trace of that invocation), or the console outside any invocation (module load).
 */
export function logEvent(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
    const scope = currentLogScope();
    const record = redact({ ts: new Date().toISOString(), level, msg, ...scope?.fields, ...fields });
    const line = JSON.stringify(record, (_key, value: unknown) => (value === undefined ? undefined : value));
    if (scope) {
        if (level === 'error') scope.sink.error(line);
        else if (level === 'warn') scope.sink.warn(line);
        else scope.sink.log(line);
    } else if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.info(line);
}

/** The structured logger: `log.info('graph call', { status })`. */
export const log = {
    info: (msg: string, fields?: Record<string, unknown>): void => logEvent('info', msg, fields),
    warn: (msg: string, fields?: Record<string, unknown>): void => logEvent('warn', msg, fields),
    error: (msg: string, fields?: Record<string, unknown>): void => logEvent('error', msg, fields),
};
