import { ensureDevTls } from './devCa';

// Run before processes that must trust the dev CA start, since NODE_EXTRA_CA_CERTS is read only at start-up.
process.stdout.write(`${ensureDevTls().caPath}\n`);
