import { parseArgs } from 'node:util';

export interface BenchArgs {
    /** Cancels per concurrency and side (gateway, direct); rounded up to a multiple of the concurrency. */
    readonly requests: number;
    readonly concurrencies: readonly number[];
    /** Emulator latency added to every Graph request; the whole comparison runs once per value. */
    readonly graphLatenciesMs: readonly number[];
    /** Cancels through the gateway for the memory-flat check (0 skips it); run at the first latency. */
    readonly memoryRequests: number;
    /** Mailboxes the events are spread over, one user (and token) each. */
    readonly mailboxes: number;
    /** Cancels per side before the measured runs of each latency, to warm connections, JIT and caches. */
    readonly warmup: number;
    /** Also run the cancels through the handler in a process without the development host (its CPU apart). */
    readonly inProcess: boolean;
    /** Where the host's CPU profiles go; undefined: no profiling. */
    readonly cpuProfDir: string | undefined;
    /** Folder with the build the host runs (`dist/`, host.json, package.json): another build for a before/after. */
    readonly appRoot: string | undefined;
}

export const usage = `Usage: node dist/bench/gateway/main.js [options]

  --requests N              cancels per concurrency and side, gateway and direct (default 1000; rounded up to a
                            multiple of the concurrency)
  --concurrency LIST        comma-separated autocannon connection counts (default 1,8,32)
  --graph-latency-ms LIST   emulator latency on every Graph request, comma-separated; the comparison runs once
                            per value (default 0,50)
  --memory-requests N       cancels through the gateway for the memory-flat check, at the highest concurrency and
                            the first latency (default 10000; 0 skips it)
  --mailboxes M             mailboxes (users) the events are spread over (default 64)
  --warmup N                unmeasured cancels per side before each latency's runs (default 300)
  --no-in-process           skip the in-process run (the handler without the development host, after each
                            gateway run, to print the host's share of the CPU)
  --cpu-prof                start the host with --cpu-prof; profiles go to --cpu-prof-dir
  --cpu-prof-dir DIR        (default: <tmp>/cancel-gateway-cpu-prof-<time>)
  --app-root DIR            run the host and app from the build in DIR (its dist/, host.json, package.json,
                            local.settings.sample.json) instead of this checkout: compares two builds on one machine
  -h, --help                this text`;

function integer(name: string, raw: string, min: number, max: number): number {
    const text = raw.trim().replace(/_/g, '');
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be whole numbers, not "${raw}"`);
    const value = Number(text);
    if (value < min || value > max) throw new Error(`--${name} must be between ${min} and ${max}, not ${value}`);
    return value;
}

function list(name: string, raw: string, min: number, max: number): number[] {
    const values = raw.split(',').map((part) => integer(name, part, min, max));
    if (values.length === 0) throw new Error(`--${name} needs at least one value`);
    return values;
}

/** Parses the command line; throws with a readable message on anything unknown or out of range. */
export function parseBenchArgs(argv: readonly string[], defaultProfileDir: string): BenchArgs | 'help' {
    const { values } = parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: {
            requests: { type: 'string', default: '1000' },
            concurrency: { type: 'string', default: '1,8,32' },
            'graph-latency-ms': { type: 'string', default: '0,50' },
            'memory-requests': { type: 'string', default: '10000' },
            mailboxes: { type: 'string', default: '64' },
            warmup: { type: 'string', default: '300' },
            'cpu-prof': { type: 'boolean', default: false },
            'no-in-process': { type: 'boolean', default: false },
            'cpu-prof-dir': { type: 'string' },
            'app-root': { type: 'string' },
            help: { type: 'boolean', short: 'h', default: false },
        },
    });
    if (values.help) return 'help';
    return {
        requests: integer('requests', values.requests, 1, 1_000_000),
        concurrencies: list('concurrency', values.concurrency, 1, 1_000),
        graphLatenciesMs: list('graph-latency-ms', values['graph-latency-ms'], 0, 10_000),
        memoryRequests: integer('memory-requests', values['memory-requests'], 0, 1_000_000),
        mailboxes: integer('mailboxes', values.mailboxes, 1, 10_000),
        warmup: integer('warmup', values.warmup, 0, 100_000),
        inProcess: !values['no-in-process'],
        cpuProfDir: values['cpu-prof'] ? (values['cpu-prof-dir'] ?? defaultProfileDir) : undefined,
        appRoot: values['app-root'],
    };
}
