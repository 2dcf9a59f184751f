import { defaultGatewayUrl, parseBulkCancelArgs, UsageError } from '../../dev/bulk-cancel/args';

/** `npm run bulk-cancel`'s command line: what the admin types becomes the jobs API's body, or a usage error. */

const required = ['--mailbox', 'dana@contoso.test', '--from', '2026-12-01', '--to', '2027-03-01'];
const env = { CANCEL_GATEWAY_TOKEN: 'token-from-env' };

function options(argv: readonly string[], environment: Record<string, string | undefined> = env) {
    const parsed = parseBulkCancelArgs(argv, environment);
    if (parsed.help) throw new Error('expected options, got --help');
    return parsed.options;
}

describe('bulk-cancel arguments', () => {
    it('makes the job body from the required flags, with the defaults of the README', () => {
        expect(options(required)).toEqual({
            gatewayUrl: defaultGatewayUrl,
            token: 'token-from-env',
            dryRun: false,
            yes: false,
            job: {
                mailbox: 'dana@contoso.test',
                window: { start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' },
                organized: 'cancel',
                series: 'endBeforeWindow',
                invited: 'decline',
            },
        });
    });

    it('passes every option through, with repeated --category as a list and --subject-contains as the match', () => {
        const parsed = options([
            ...required,
            '--dry-run',
            '--yes',
            '--organized',
            'skip',
            '--series',
            'cancel',
            '--invited',
            'leave',
            '--comment',
            'Dana has left.',
            '--subject-contains',
            'Falcon',
            '--category',
            'Customer',
            '--category',
            'Project Falcon',
            '--gateway',
            'https://gateway.example/',
            '--token',
            'token-from-flag',
        ]);
        expect(parsed).toEqual({
            gatewayUrl: 'https://gateway.example',
            token: 'token-from-flag',
            dryRun: true,
            yes: true,
            job: {
                mailbox: 'dana@contoso.test',
                window: { start: '2026-12-01T00:00:00.000Z', end: '2027-03-01T00:00:00.000Z' },
                match: { subjectContains: 'Falcon', categories: ['Customer', 'Project Falcon'] },
                organized: 'skip',
                series: 'cancel',
                invited: 'leave',
                comment: 'Dana has left.',
            },
        });
    });

    it('takes the gateway from CANCEL_GATEWAY_URL when --gateway is absent', () => {
        expect(options(required, { ...env, CANCEL_GATEWAY_URL: 'http://127.0.0.1:9999' }).gatewayUrl).toBe(
            'http://127.0.0.1:9999',
        );
    });

    it('reads instants with their offset and converts them to UTC', () => {
        const parsed = options([
            '--mailbox',
            'dana@contoso.test',
            '--from',
            '2026-12-01T09:00:00+02:00',
            '--to',
            '2026-12-02T00:00Z',
        ]);
        expect(parsed.job.window).toEqual({ start: '2026-12-01T07:00:00.000Z', end: '2026-12-02T00:00:00.000Z' });
    });

    it.each([
        [['--from', '2026-12-01', '--to', '2027-03-01'], /--mailbox is required/],
        [['--mailbox', 'dana@contoso.test', '--to', '2027-03-01'], /--from is required/],
        [[...required.slice(0, 4), '--to', '2026-12-01'], /--from must be before --to/],
        [[...required.slice(0, 2), '--from', '2026-12-01T09:00:00', '--to', '2027-03-01'], /offset/],
        [[...required.slice(0, 2), '--from', '01/12/2026', '--to', '2027-03-01'], /--from must be YYYY-MM-DD/],
        [[...required, '--series', 'end'], /--series must be one of endBeforeWindow, cancel/],
        [[...required, '--organized', 'decline'], /--organized must be one of cancel, skip/],
        [[...required, '--invited', 'cancel'], /--invited must be one of decline, leave/],
        [[...required, '--gateway', 'gateway.example'], /--gateway must be an http\(s\) URL/],
        [[...required, '--bogus'], /bogus/],
        [[...required, 'stray'], /stray/],
    ])('refuses %j', (argv, message) => {
        expect(() => parseBulkCancelArgs(argv, env)).toThrow(UsageError);
        expect(() => parseBulkCancelArgs(argv, env)).toThrow(message);
    });

    it('refuses to go on without a token, and never echoes one it was given', () => {
        expect(() => parseBulkCancelArgs(required, {})).toThrow(/CANCEL_GATEWAY_TOKEN/);
        const secret = 'eyJ.secret.token';
        const attempt = () => parseBulkCancelArgs([...required, '--series', 'nope', '--token', secret], {});
        expect(attempt).toThrow(UsageError);
        expect(attempt).not.toThrow(secret);
    });

    it('answers --help without asking for the other flags', () => {
        expect(parseBulkCancelArgs(['--help'], {})).toEqual({ help: true });
    });
});
