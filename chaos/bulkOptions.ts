import { parseArgs } from 'node:util';

export interface BulkChaosOptions {
    /** Meetings the leaver organizes (with attendees) in the job's window. */
    readonly meetings: number;
    /** SIGKILLs of the local host while the job runs (each followed by a restart on the same ports). */
    readonly kills: number;
    /** `write`: each kill waits until a cancel is at Graph (held by the emulator); `random`: at once. */
    readonly killAt: 'write' | 'random';
    /** The host's BULK_MESSAGES_PER_MINUTE: the job's pace. */
    readonly messagesPerMinute: number;
    readonly seed: number;
    /** How long the job, then reconciliation, may take. */
    readonly timeoutMs: number;
    readonly verbose: boolean;
}

export const defaultBulkChaosOptions: BulkChaosOptions = {
    meetings: 300,
    kills: 2,
    killAt: 'write',
    messagesPerMinute: 600,
    seed: 1,
    timeoutMs: 600_000,
    verbose: false,
};

const d = defaultBulkChaosOptions;

export const bulkUsage = `Chaos run of a bulk cancellation job: the host SIGKILLed while it cancels a leaver's meetings.

  npm run chaos:bulk [-- options]
  node dist/chaos/bulkMain.js [options]    (after npm run build)

  --meetings <n>             meetings the leaver organizes, all with attendees (default ${d.meetings})
  --kills <n>                SIGKILLs of the local host while the job runs (default ${d.kills})
  --kill-at <write|random>   write: each kill lands while a cancel is at Graph, its answer unread; random: at
                             the progress mark, wherever the worker is (default ${d.killAt})
  --messages-per-minute <n>  the host's BULK_MESSAGES_PER_MINUTE, 1-600 (default ${d.messagesPerMinute})
  --seed <n>                 fixture and kill randomness (default ${d.seed})
  --timeout <s>              deadline for the job and reconciliation (default ${d.timeoutMs / 1e3})
  --verbose                  echo the host's output
  -h, --help                 this text

Exits 0 when every check holds, 1 on any violation, 2 on bad options; the figures are the last lines.
`;

function number(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
        throw new RangeError(`--${name} must be an integer from ${min} to ${max} (got '${text}')`);
    }
    return value;
}

/** Parses the command line; `undefined` means help was asked for. Throws RangeError on a bad value. */
export function parseBulkChaosOptions(argv: readonly string[]): BulkChaosOptions | undefined {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            meetings: { type: 'string' },
            kills: { type: 'string' },
            'kill-at': { type: 'string' },
            'messages-per-minute': { type: 'string' },
            seed: { type: 'string' },
            timeout: { type: 'string' },
            verbose: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
        },
        strict: true,
    });
    if (values.help) return undefined;
    const killAt = values['kill-at'] ?? d.killAt;
    if (killAt !== 'write' && killAt !== 'random') {
        throw new RangeError(`--kill-at must be write or random (got '${killAt}')`);
    }
    return {
        // The request log keeps 10,000 calls; a few per meeting fit well below it.
        meetings: number('meetings', values.meetings, d.meetings, 1, 2_000),
        kills: number('kills', values.kills, d.kills, 0, 10),
        killAt,
        messagesPerMinute: number('messages-per-minute', values['messages-per-minute'], d.messagesPerMinute, 1, 600),
        seed: number('seed', values.seed, d.seed, 0, 2 ** 32 - 1),
        timeoutMs: number('timeout', values.timeout, d.timeoutMs / 1000, 1, 3600) * 1000,
        verbose: values.verbose ?? false,
    };
}
