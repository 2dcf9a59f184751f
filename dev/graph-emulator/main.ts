import { startGraphEmulator } from './server';

function port(name: string, fallback: number): number {
    const value = process.env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got '${value}'`);
    return n;
}

async function main(): Promise<void> {
    const emulator = await startGraphEmulator({
        port: port('GRAPH_EMULATOR_PORT', 7072),
        tlsPort: port('GRAPH_EMULATOR_TLS_PORT', 7444),
        host: process.env.GRAPH_EMULATOR_HOST ?? '127.0.0.1',
        demo: { departingUser: process.env.GRAPH_EMULATOR_PRESET === 'offboarding' },
    });
    process.stdout.write(
        [
            'Graph emulator (demo tenant) is running',
            `  Graph:  ${emulator.url}/v1.0/  ${emulator.url}/beta/  ${emulator.url}/$batch`,
            `  TLS:    ${emulator.tlsUrl}/  (trust .dev/ca.pem: NODE_EXTRA_CA_CERTS=.dev/ca.pem)`,
            `  OIDC:   ${emulator.tlsUrl}/<tenantId>/v2.0/.well-known/openid-configuration`,
            `  Admin:  ${emulator.url}/_emulator/  (see docs/emulator.md)`,
            '',
        ].join('\n'),
    );
    let stopping = false;
    const stop = (): void => {
        if (stopping) return;
        stopping = true;
        emulator.close().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
    process.stderr.write(`graph emulator: ${(error as Error).message}\n`);
    process.exit(1);
});
