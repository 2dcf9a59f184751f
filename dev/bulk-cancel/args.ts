import { parseArgs } from 'node:util';

/** What `npm run bulk-cancel` was asked to do, checked before any request is sent. */
export interface BulkCancelOptions {
    readonly gatewayUrl: string;
    readonly token: string;
    readonly dryRun: boolean;
    readonly yes: boolean;
    /** The body of `POST /api/cancellationJobs`, without `dryRun`. */
    readonly job: {
        readonly mailbox: string;
        readonly window: { readonly start: string; readonly end: string };
        readonly match?: { readonly subjectContains?: string; readonly categories?: readonly string[] };
        readonly organized: 'cancel' | 'skip';
        readonly series: 'endBeforeWindow' | 'cancel';
        readonly invited: 'decline' | 'leave';
        readonly comment?: string;
    };
}

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly options: BulkCancelOptions };

export const defaultGatewayUrl = 'http://127.0.0.1:7071';

export const usage = `Cancels a departing user's meetings through the Cancel Gateway's jobs API: previews, asks, runs, watches.

  npm run bulk-cancel -- --mailbox dana@contoso.test --from 2026-12-01 --to 2027-03-01 --dry-run
  npm run bulk-cancel -- --mailbox dana@contoso.test --from 2026-12-01 --to 2027-03-01 --comment "Dana has left."

Options:
  --mailbox <upn|id>          the departing user (required)
  --from <date>               start of the window: YYYY-MM-DD (00:00 UTC) or an ISO 8601 instant (required)
  --to <date>                 end of the window, after --from (required)
  --dry-run                   print the preview and stop: nothing is written
  --yes                       start the job without asking (required when stdin is not a terminal)
  --organized cancel|skip     meetings the user organizes (default cancel)
  --series endBeforeWindow|cancel
                              a series started before the window: end it before the window (default), or cancel it
  --invited decline|leave     meetings the user was invited to (default decline)
  --comment <text>            sent with every cancel, series update and decline
  --subject-contains <text>   only meetings whose subject contains the text
  --category <name>           only meetings with this category (repeat for several)
  --gateway <url>             the gateway (default $CANCEL_GATEWAY_URL, else ${defaultGatewayUrl})
  --token <jwt>               a Cancellations.Admin token (default $CANCEL_GATEWAY_TOKEN); prefer the variable

While the job runs, Ctrl-C asks whether to stop it. Exit code: 0 when every write succeeded (or after a preview),
1 when the gateway refused, the job did not complete or a meeting failed, 2 for a usage error.
`;

/** A usage mistake: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const instantWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A bare date is that day's 00:00 UTC; an instant must carry its offset, so the window never depends on the shell's zone. */
export function parseInstant(flag: string, value: string): string {
    const text = dateOnly.test(value) ? `${value}T00:00:00Z` : value;
    if (!instantWithOffset.test(text) || Number.isNaN(Date.parse(text)))
        throw new UsageError(`${flag} must be YYYY-MM-DD or an ISO 8601 instant with Z or an offset, not "${value}"`);
    return new Date(text).toISOString();
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value))
        throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
    return value as T;
}

function required(flag: string, value: string | undefined): string {
    if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
    return value.trim();
}

/** Parses the command line; `env` supplies CANCEL_GATEWAY_URL and CANCEL_GATEWAY_TOKEN. Throws {@link UsageError}. */
export function parseBulkCancelArgs(
    argv: readonly string[],
    env: Readonly<Record<string, string | undefined>>,
): ParsedArgs {
    let values;
    try {
        ({ values } = parseArgs({
            args: [...argv],
            strict: true,
            allowPositionals: false,
            options: {
                mailbox: { type: 'string' },
                from: { type: 'string' },
                to: { type: 'string' },
                'dry-run': { type: 'boolean' },
                yes: { type: 'boolean', short: 'y' },
                organized: { type: 'string' },
                series: { type: 'string' },
                invited: { type: 'string' },
                comment: { type: 'string' },
                'subject-contains': { type: 'string' },
                category: { type: 'string', multiple: true },
                gateway: { type: 'string' },
                token: { type: 'string' },
                help: { type: 'boolean', short: 'h' },
            },
        }));
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    if (values.help) return { help: true };

    const start = parseInstant('--from', required('--from', values.from));
    const end = parseInstant('--to', required('--to', values.to));
    if (Date.parse(start) >= Date.parse(end)) throw new UsageError('--from must be before --to');

    const gatewayUrl = (values.gateway ?? env.CANCEL_GATEWAY_URL ?? defaultGatewayUrl).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/\s]+/.test(gatewayUrl)) throw new UsageError(`--gateway must be an http(s) URL`);
    const token = values.token ?? env.CANCEL_GATEWAY_TOKEN;
    if (token === undefined || token.trim() === '')
        throw new UsageError('a token is required: set CANCEL_GATEWAY_TOKEN (or pass --token)');

    const subjectContains = values['subject-contains'];
    const categories = values.category;
    const match = {
        ...(subjectContains !== undefined ? { subjectContains } : {}),
        ...(categories !== undefined && categories.length > 0 ? { categories } : {}),
    };
    return {
        help: false,
        options: {
            gatewayUrl,
            token: token.trim(),
            dryRun: values['dry-run'] ?? false,
            yes: values.yes ?? false,
            job: {
                mailbox: required('--mailbox', values.mailbox),
                window: { start, end },
                ...(Object.keys(match).length > 0 ? { match } : {}),
                organized: oneOf('--organized', values.organized, ['cancel', 'skip'], 'cancel'),
                series: oneOf('--series', values.series, ['endBeforeWindow', 'cancel'], 'endBeforeWindow'),
                invited: oneOf('--invited', values.invited, ['decline', 'leave'], 'decline'),
                ...(values.comment !== undefined ? { comment: values.comment } : {}),
            },
        },
    };
}
