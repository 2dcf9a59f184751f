import { parseArgs } from 'node:util';
import { wholeNumberArg } from '../wholeNumberArg';

export interface BulkBenchArgs {
    /** The host's `BULK_MESSAGES_PER_MINUTE` (production default 30); the goals are read against it. */
    readonly messagesPerMinute: number;
    /** Meetings of the one-mailbox run. */
    readonly meetings: number;
    /** Meetings per mailbox in the parallel run (and the one-mailbox run's first ones, to compare with). */
    readonly parallelMeetings: number;
    /** Mailboxes offboarded at once in the parallel run. */
    readonly mailboxes: number;
    /** The emulator's sending limit (messages per minute) in the throttled run: below the gateway's pacing. */
    readonly emulatorLimit: number;
    /** Meetings in the throttled run. */
    readonly throttledMeetings: number;
    /** Echo the host's output. */
    readonly verbose: boolean;
}

export const usage = `Usage: npm run bench:bulk -- [options]

  --rate R                the host's BULK_MESSAGES_PER_MINUTE (default 30, the production default: the parallel
                          run is bound by the machine's CPU well before a higher rate shows anything more)
  --meetings M            meetings of the one-mailbox run (default 2 × rate + rate / 6: the first minute's
                          budget at once, a whole minute paced, a few more to show that minute was whole)
  --parallel-meetings P   meetings per mailbox in the parallel run (default rate + rate / 6: one budget at once,
                          then paced); the one-mailbox run's first P meetings are what it is compared with
  --mailboxes N           mailboxes offboarded in parallel (default 10)
  --emulator-limit L      the emulator's sendingLimit in the throttled run, messages per minute (default rate / 4:
                          well below what the job does on a busy machine, so the limit bites)
  --throttled-meetings T  meetings in the throttled run (default 1.5 × emulator limit)
  --verbose               echo the host's output
  -h, --help              this text`;

/** Parses the command line; throws with a readable message on anything unknown or out of range. */
export function parseBulkBenchArgs(argv: readonly string[]): BulkBenchArgs | 'help' {
    const { values } = parseArgs({
        args: [...argv],
        strict: true,
        allowPositionals: false,
        options: {
            rate: { type: 'string' },
            meetings: { type: 'string' },
            'parallel-meetings': { type: 'string' },
            mailboxes: { type: 'string' },
            'emulator-limit': { type: 'string' },
            'throttled-meetings': { type: 'string' },
            verbose: { type: 'boolean', default: false },
            help: { type: 'boolean', short: 'h', default: false },
        },
    });
    if (values.help) return 'help';
    const messagesPerMinute = wholeNumberArg('rate', values.rate, 30, 2, 6_000);
    const emulatorLimit = wholeNumberArg(
        'emulator-limit',
        values['emulator-limit'],
        Math.max(1, Math.floor(messagesPerMinute / 4)),
        1,
        messagesPerMinute - 1,
    );
    const parallelMeetings = wholeNumberArg(
        'parallel-meetings',
        values['parallel-meetings'],
        messagesPerMinute + Math.ceil(messagesPerMinute / 6),
        1,
        2_000,
    );
    const meetings = wholeNumberArg(
        'meetings',
        values.meetings,
        Math.max(parallelMeetings, 2 * messagesPerMinute + Math.ceil(messagesPerMinute / 6)),
        1,
        2_000,
    );
    if (meetings < parallelMeetings) throw new Error('--meetings must be at least --parallel-meetings');
    return {
        messagesPerMinute,
        meetings,
        parallelMeetings,
        mailboxes: wholeNumberArg('mailboxes', values.mailboxes, 10, 2, 50),
        emulatorLimit,
        throttledMeetings: wholeNumberArg(
            'throttled-meetings',
            values['throttled-meetings'],
            Math.ceil(1.5 * emulatorLimit),
            1,
            2_000,
        ),
        verbose: values.verbose,
    };
}
