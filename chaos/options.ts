import { parseArgs } from 'node:util';

export interface ChaosOptions {
    readonly cancellations: number;
    /** SIGKILLs of the local host during the workload (each followed by a restart on the same ports). */
    readonly kills: number;
    /** Share of Graph calls the emulator answers 429 or 503 (half each) with `Retry-After`. */
    readonly faultRate: number;
    /** Share of webhook deliveries the receiver answers 500. */
    readonly receiverFailRate: number;
    readonly seed: number;
    /** Cancellations in flight at once. */
    readonly concurrency: number;
    /** Mailboxes holding the events (bookings go to two businesses). */
    readonly mailboxes: number;
    /** How long reconciliation and deliveries may take to settle after the workload. */
    readonly settleTimeoutMs: number;
    /** Echo the host's output lines. */
    readonly verbose: boolean;
}

export const defaultChaosOptions: ChaosOptions = {
    cancellations: 1000,
    kills: 3,
    faultRate: 0.2,
    receiverFailRate: 0.3,
    seed: 1,
    concurrency: 12,
    mailboxes: 5,
    settleTimeoutMs: 600_000,
    verbose: false,
};

const d = defaultChaosOptions;

export const usage = `Chaos run of Cancel Gateway: cancellations under Graph faults, failing webhooks and host kills.

  npm run chaos [-- options]
  node dist/chaos/main.js [options]        (after npm run build; NODE_EXTRA_CA_CERTS is set for the host)

  --cancellations <n>        cancellations to make (default ${d.cancellations})
  --kills <n>                SIGKILLs of the local host at random moments (default ${d.kills})
  --fault-rate <0..1>        Graph calls answered 429/503 with Retry-After (default ${d.faultRate})
  --receiver-fail-rate <0..1> webhook deliveries answered 500 (default ${d.receiverFailRate})
  --seed <n>                 workload, receiver and kill randomness (default ${d.seed})
  --concurrency <n>          requests in flight (default ${d.concurrency})
  --mailboxes <n>            mailboxes holding events, 1-10 (default ${d.mailboxes})
  --settle-timeout <s>       deadline for reconciliation and deliveries to settle (default ${d.settleTimeoutMs / 1e3})
  --verbose                  echo the host's output
  -h, --help                 this text

Exits 0 when every check holds, 1 on any loss or violation, 2 on bad options; the figures are the last lines.
`;

function number(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) {
        throw new RangeError(`--${name} must be a number from ${min} to ${max} (got '${text}')`);
    }
    return value;
}

/** Parses the command line; `undefined` means help was asked for. Throws RangeError on a bad value. */
export function parseChaosOptions(argv: readonly string[]): ChaosOptions | undefined {
    const { values } = parseArgs({
        args: [...argv],
        options: {
            cancellations: { type: 'string' },
            kills: { type: 'string' },
            'fault-rate': { type: 'string' },
            'receiver-fail-rate': { type: 'string' },
            seed: { type: 'string' },
            concurrency: { type: 'string' },
            mailboxes: { type: 'string' },
            'settle-timeout': { type: 'string' },
            verbose: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
        },
        strict: true,
    });
    if (values.help) return undefined;
    return {
        cancellations: Math.trunc(number('cancellations', values.cancellations, d.cancellations, 1, 20_000)),
        kills: Math.trunc(number('kills', values.kills, d.kills, 0, 50)),
        faultRate: number('fault-rate', values['fault-rate'], d.faultRate, 0, 0.9),
        receiverFailRate: number('receiver-fail-rate', values['receiver-fail-rate'], d.receiverFailRate, 0, 0.9),
        seed: Math.trunc(number('seed', values.seed, d.seed, 0, 2 ** 32 - 1)),
        concurrency: Math.trunc(number('concurrency', values.concurrency, d.concurrency, 1, 200)),
        mailboxes: Math.trunc(number('mailboxes', values.mailboxes, d.mailboxes, 1, 10)),
        settleTimeoutMs: number('settle-timeout', values['settle-timeout'], d.settleTimeoutMs / 1000, 1, 3600) * 1000,
        verbose: values.verbose ?? false,
    };
}
