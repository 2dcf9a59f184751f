import { parseArgs } from 'node:util';

export interface BenchArgs {
    /** Due records to re-verify through Graph (spread over {@link BenchArgs.mailboxes} mailboxes). */
    readonly records: number;
    readonly mailboxes: number;
    /** Records the naive one-GET-per-record loop is timed on; its figure for all records is extrapolated. */
    readonly naiveSample: number;
    /** Emulator latency added to every Graph request (top-level and each `$batch` item). */
    readonly latencyMs: number;
    /** Due records in the table part. */
    readonly due: number;
    /** History records (verified, not due) added before the second `listDue` measurement. */
    readonly history: number;
    readonly part: 'all' | 'graph' | 'table';
    /** Reconciliation's overall cap on `$batch`es in flight (RECONCILE_MAX_BATCHES_IN_FLIGHT); undefined: its default. */
    readonly maxBatchesInFlight: number | undefined;
}

export const usage = `Usage: node dist/bench/reconcile/main.js [options]

  --records N        due records re-verified through Graph (default 10000)
  --mailboxes M      mailboxes they are spread over (default 50)
  --naive-sample K   records the naive one-GET-per-record loop is timed on (default 1000; the figure for
                     all N records is extrapolated from it and labelled so; K >= N runs the naive loop on all)
  --latency MS       emulator latency on every Graph request (default 50)
  --due D            due records in the table part (default 100)
  --history H        history records (verified, not due) in the table part (default 100000)
  --part P           all | graph | table (default all)
  --max-batches-in-flight B
                     reconciliation's overall cap on batches in flight, as RECONCILE_MAX_BATCHES_IN_FLIGHT
                     (default: that setting's default)`;

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw.replace(/_/g, ''))) throw new Error(`--${name} must be a whole number, not "${raw}"`);
    const value = Number(raw.replace(/_/g, ''));
    if (value < min || value > max) throw new Error(`--${name} must be between ${min} and ${max}, not ${value}`);
    return value;
}

/** Parses the command line; throws with a readable message on anything unknown or out of range. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs | 'help' {
    const { values } = parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: {
            records: { type: 'string' },
            mailboxes: { type: 'string' },
            'naive-sample': { type: 'string' },
            latency: { type: 'string' },
            due: { type: 'string' },
            history: { type: 'string' },
            part: { type: 'string' },
            'max-batches-in-flight': { type: 'string' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    if (values.help === true) return 'help';
    const part = values.part ?? 'all';
    if (part !== 'all' && part !== 'graph' && part !== 'table') {
        throw new Error(`--part must be all, graph or table, not "${part}"`);
    }
    const records = integer('records', values.records, 10_000, 1, 200_000);
    return {
        records,
        mailboxes: integer('mailboxes', values.mailboxes, 50, 1, 1_000),
        naiveSample: Math.min(records, integer('naive-sample', values['naive-sample'], 1_000, 1, 200_000)),
        latencyMs: integer('latency', values.latency, 50, 0, 10_000),
        due: integer('due', values.due, 100, 1, 1_000),
        history: integer('history', values.history, 100_000, 0, 1_000_000),
        part,
        maxBatchesInFlight:
            values['max-batches-in-flight'] === undefined
                ? undefined
                : integer('max-batches-in-flight', values['max-batches-in-flight'], 0, 1, 1_000),
    };
}
