// Runs Jest with NODE_EXTRA_CA_CERTS set to the dev CA (.dev/ca.pem), so the tests trust the TLS twins of the local
// host and the Graph emulator. Node reads that variable only at start-up, so it is set here, before Jest's process
// starts, and in Node rather than as `VAR=value jest` so that `npm test` runs the same way on Windows.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const result = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(repoRoot, '.dev', 'ca.pem') },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
