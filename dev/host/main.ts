import * as path from 'node:path';
import { repoRoot } from '../paths';
import { HostConfigError } from './settings';
import { startHost } from './startHost';

const usage = `Usage: node dist/dev/host/main.js [options]

Runs an Azure Functions (Node.js v4 model) app locally with the host's semantics.

Options:
  --script-root <dir>   folder with host.json, local.settings.json and package.json (default: repo root)
  --port <n>            HTTP port (default: FUNCTIONS_HTTP_PORT, Host.LocalHttpPort, 7071)
  --https-port <n>      HTTPS twin port (default: FUNCTIONS_HTTPS_PORT or 7443)
  --no-https            no HTTPS twin
  --verbose             debug logs
  -h, --help            this text`;

interface CliOptions {
    scriptRoot: string;
    httpPort?: number;
    httpsPort?: number | false;
    verbose: boolean;
}

function parsePort(value: string | undefined, flag: string): number {
    const port = Number(value);
    if (value === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new HostConfigError(`${flag} needs a port number`);
    }
    return port;
}

export function parseArgs(argv: readonly string[]): CliOptions | 'help' {
    const options: CliOptions = { scriptRoot: repoRoot, verbose: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const [flag, inline] =
            arg.startsWith('--') && arg.includes('=')
                ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
                : [arg, undefined];
        const value = (): string | undefined => inline ?? argv[++i];
        switch (flag) {
            case '--script-root': {
                const dir = value();
                if (!dir) throw new HostConfigError('--script-root needs a folder');
                options.scriptRoot = path.resolve(dir);
                break;
            }
            case '--port':
                options.httpPort = parsePort(value(), flag);
                break;
            case '--https-port':
                options.httpsPort = parsePort(value(), flag);
                break;
            case '--no-https':
                options.httpsPort = false;
                break;
            case '--verbose':
                options.verbose = true;
                break;
            case '-h':
            case '--help':
                return 'help';
            default:
                throw new HostConfigError(`Unknown option ${arg}\n\n${usage}`);
        }
    }
    return options;
}

async function main(): Promise<void> {
    const parsed = parseArgs(process.argv.slice(2));
    if (parsed === 'help') {
        process.stdout.write(usage + '\n');
        return;
    }
    const host = await startHost({
        scriptRoot: parsed.scriptRoot,
        httpPort: parsed.httpPort,
        httpsPort: parsed.httpsPort,
        verbose: parsed.verbose,
    });
    let signals = 0;
    const stop = (signal: NodeJS.Signals): void => {
        if (++signals > 1) {
            process.stderr.write(`Second ${signal}: exiting now\n`);
            process.exit(1);
        }
        host.close().then(
            () => process.exit(0),
            (error: unknown) => {
                process.stderr.write(`Error while stopping: ${String(error)}\n`);
                process.exit(1);
            },
        );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        const message =
            error instanceof HostConfigError
                ? error.message
                : error instanceof Error
                  ? (error.stack ?? error.message)
                  : String(error);
        process.stderr.write(`Host failed to start: ${message}\n`);
        process.exit(1);
    });
}
