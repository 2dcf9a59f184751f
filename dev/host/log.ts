import { LineBuffer } from './lineBuffer';
import type { RpcLogLevel } from './rpc';

/**
 * Host log lines, `func start`-like: `[timestamp] message`. Warnings and errors go to stderr. Without a `sink`, lines
 * are buffered briefly ({@link LineBuffer}) and written in batches: process.stdout/stderr writes to a pipe are
 * synchronous on Linux.
 */
export interface HostLogger {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
    debug(message: string): void;
}

const levelRank: Record<RpcLogLevel, number> = {
    trace: 0,
    debug: 1,
    information: 2,
    warning: 3,
    error: 4,
    critical: 5,
    none: 6,
};

export function createLogger(
    options: { verbose?: boolean; sink?: (line: string, isError: boolean) => void } = {},
): HostLogger {
    const sink = options.sink ?? bufferedStandardStreams();
    const stamp = (): string => `[${new Date().toISOString()}]`;
    return {
        info: (m) => sink(`${stamp()} ${m}`, false),
        warn: (m) => sink(`${stamp()} ${m}`, true),
        error: (m) => sink(`${stamp()} ${m}`, true),
        debug: (m) => {
            if (options.verbose) sink(`${stamp()} ${m}`, false);
        },
    };
}

/** Routes a log record at an RPC level to the logger. */
export function logAtLevel(logger: HostLogger, level: RpcLogLevel, message: string, minimum: RpcLogLevel): void {
    if (levelRank[level] < levelRank[minimum] || level === 'none') return;
    if (level === 'error' || level === 'critical') logger.error(message);
    else if (level === 'warning') logger.warn(message);
    else if (level === 'debug' || level === 'trace') logger.debug(message);
    else logger.info(message);
}

function bufferedStandardStreams(): (line: string, isError: boolean) => void {
    const out = new LineBuffer((text) => process.stdout.write(text));
    const err = new LineBuffer((text) => process.stderr.write(text));
    return (line, isError) => (isError ? err : out).push(line);
}
