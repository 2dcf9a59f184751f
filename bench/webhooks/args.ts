import { parseArgs } from 'node:util';
import type { Behaviour } from './receivers';
import { wholeNumberArg } from '../wholeNumberArg';

export interface WebhookBenchArgs {
    /** Measured cancels per run (A: healthy endpoint alone; B: healthy + hanging + 503). */
    readonly cancellations: number;
    /** Cancels started per second, open loop: the pace does not depend on how fast deliveries arrive. */
    readonly ratePerSecond: number;
    /** `WEBHOOK_TIMEOUT_MS` of the host: how long the hanging endpoint holds each delivery. */
    readonly webhookTimeoutMs: number;
    /** Unmeasured cancels before each run (connections, JIT, the directory cache, the Graph token). */
    readonly warmup: number;
    readonly mailboxes: number;
    /** The endpoints beside the healthy one in run B (both by default; one alone tells their effects apart). */
    readonly others: readonly Behaviour[];
}

export const usage = `Usage: npm run bench:webhooks -- [options]

  --cancellations N   measured cancels per run (default 200)
  --rate R            cancels started per second, open loop (default 5; keep it below what run A sustains)
  --timeout-ms MS     the host's WEBHOOK_TIMEOUT_MS, how long the hanging endpoint holds a delivery (default 2000;
                      production default 15000)
  --warmup W          unmeasured cancels before each run (default 20)
  --mailboxes M       mailboxes the cancelled meetings are spread over (default 16)
  --others LIST       endpoints beside the healthy one in run B: hanging,unavailable (default both; one of them
                      alone separates their effects)
  -h, --help          this text`;

function otherEndpoints(raw: string | undefined): Behaviour[] {
    const names = (raw ?? 'hanging,unavailable').split(',').map((name) => name.trim());
    const unknown = names.filter((name) => name !== 'hanging' && name !== 'unavailable');
    if (unknown.length > 0 || names.length === 0) {
        throw new Error(`--others takes hanging and/or unavailable, not "${raw}"`);
    }
    return [...new Set(names as Behaviour[])];
}

/** Parses the command line; throws with a readable message on anything unknown or out of range. */
export function parseWebhookBenchArgs(argv: readonly string[]): WebhookBenchArgs | 'help' {
    const { values } = parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: {
            cancellations: { type: 'string' },
            rate: { type: 'string' },
            'timeout-ms': { type: 'string' },
            warmup: { type: 'string' },
            mailboxes: { type: 'string' },
            others: { type: 'string' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    if (values.help === true) return 'help';
    return {
        cancellations: wholeNumberArg('cancellations', values.cancellations, 200, 1, 100_000),
        ratePerSecond: wholeNumberArg('rate', values.rate, 5, 1, 1_000),
        webhookTimeoutMs: wholeNumberArg('timeout-ms', values['timeout-ms'], 2_000, 100, 60_000),
        warmup: wholeNumberArg('warmup', values.warmup, 20, 0, 10_000),
        mailboxes: wholeNumberArg('mailboxes', values.mailboxes, 16, 1, 1_000),
        others: otherEndpoints(values.others),
    };
}
