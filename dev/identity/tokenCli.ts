import { parseArgs } from 'node:util';
import { mintToken } from './mintToken';

const usage = `Mints a development access token for the Cancel Gateway's dev tenant.

  npm run --silent token -- --user alice@contoso.test --scp Calendars.ReadWrite
  npm run --silent token -- --app <clientId> --roles Calendars.ReadWrite,Cancellations.Admin
  npm run --silent token -- --user carol@contoso.test --scp Subscriptions.ReadWrite.All --roles Cancellations.Admin

Options:
  --user <upn>         delegated token for this user (default alice@contoso.test)
  --scp <a,b>          delegated scopes (comma or space separated)
  --app <clientId>     app-only token for this client id
  --roles <a,b>        app roles: an app's, or with --user the user's app-role assignments (Cancellations.Admin
                       makes an administrator; a --scp of that name does not)
  --tenant <guid>      tenant id (default: the dev tenant)
  --aud <audience>     audience (default: the gateway API)
  --expires-in <sec>   lifetime in seconds; negative for an expired token (default 3600)
  --not-before <sec>   seconds from now before which the token is not valid (default 0)
  --v1                 v1.0 token format (sts-style issuer, appid, upn)
`;

function list(value: string | undefined): string[] | undefined {
    return value === undefined ? undefined : value.split(/[\s,]+/).filter((s) => s.length > 0);
}

function main(argv: string[]): void {
    const { values } = parseArgs({
        args: argv,
        options: {
            user: { type: 'string' },
            scp: { type: 'string' },
            app: { type: 'string' },
            roles: { type: 'string' },
            tenant: { type: 'string' },
            aud: { type: 'string' },
            'expires-in': { type: 'string' },
            'not-before': { type: 'string' },
            v1: { type: 'boolean' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    if (values.help) {
        process.stdout.write(usage);
        return;
    }
    if (values.user && values.app) throw new Error('--user and --app cannot be combined');
    const seconds = (name: string, value: string | undefined): number | undefined => {
        if (value === undefined) return undefined;
        const n = Number(value);
        if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number of seconds`);
        return n;
    };
    const token = mintToken({
        user: values.user,
        app: values.app,
        scp: list(values.scp),
        roles: list(values.roles),
        tenantId: values.tenant,
        audience: values.aud,
        expiresInSeconds: seconds('--expires-in', values['expires-in']),
        notBeforeSeconds: seconds('--not-before', values['not-before']),
        version: values.v1 ? 1 : 2,
    });
    process.stdout.write(`${token}\n`);
}

try {
    main(process.argv.slice(2));
} catch (error) {
    process.stderr.write(`token: ${(error as Error).message}\n\n${usage}`);
    process.exitCode = 2;
}
