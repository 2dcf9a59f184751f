// Which Jest project (tier) runs each test file. A file is `e2e` or `integration` when an entry below names it or
// its folder (entries ending in '/'); every other test file is `unit`, so a new file always runs somewhere.
//   unit:        in-process, with fakes at the ports; no Azurite, no dist/, no child processes of ours.
//   integration: against the run's Azurite (globalSetup) or an in-process Graph emulator.
//   e2e:         spawns the local host (or another script) from dist/: `npm run build` first.
const fs = require('node:fs');
const path = require('node:path');

const tierEntries = {
    e2e: [
        'test/e2e/',
        'test/chaos/chaos.test.ts',
        'test/connector/lifecycle.test.ts',
        'test/host/http.test.ts',
        'test/host/queues.test.ts',
        'test/host/timers.test.ts',
        'test/infra/package.test.ts',
        'test/observability/logs.e2e.test.ts',
        'test/observability/telemetry.test.ts',
    ],
    integration: [
        'test/emulator/',
        'test/adapters/bookingSnapshotStore.test.ts',
        'test/adapters/bulkJobStore.test.ts',
        'test/adapters/cancellationJobQueue.test.ts',
        'test/adapters/cancellationStore.test.ts',
        'test/adapters/cancellationStore.due.test.ts',
        'test/adapters/cancellationStore.meeting.test.ts',
        'test/adapters/cancellationStore.updateEach.test.ts',
        'test/adapters/deliveryStore.test.ts',
        'test/adapters/graphSubscriptionStore.test.ts',
        'test/adapters/idempotencyStore.test.ts',
        'test/adapters/notificationQueue.test.ts',
        'test/adapters/subscriptionStore.test.ts',
        'test/lint/boundaries.test.ts',
        'test/graph/feedReads.test.ts',
        'test/graph/graphProbe.test.ts',
        'test/reconciliation/graphBatch.test.ts',
    ],
};

const tierNames = ['unit', 'integration', 'e2e'];

/** Every `*.test.ts` under test/, as repository-relative paths with forward slashes, sorted. */
function testFiles(rootDir) {
    const testDir = path.join(rootDir, 'test');
    return fs
        .readdirSync(testDir, { recursive: true })
        .map((entry) => `test/${String(entry).split(path.sep).join('/')}`)
        .filter((file) => file.endsWith('.test.ts'))
        .sort();
}

const matches = (entry, file) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry);

/**
 * Sorts the test files into tiers, and throws (so Jest does not start) when a file would run in two tiers or an
 * entry names no file (a renamed test would otherwise drop silently into `unit`).
 */
function testTiers(rootDir) {
    const files = testFiles(rootDir);
    const tiers = { unit: [], integration: [], e2e: [] };
    for (const file of files) {
        const named = Object.keys(tierEntries).filter((tier) => tierEntries[tier].some((e) => matches(e, file)));
        if (named.length > 1) throw new Error(`test/support/tiers.js: ${file} is in ${named.join(' and ')}`);
        tiers[named[0] ?? 'unit'].push(file);
    }
    for (const [tier, entries] of Object.entries(tierEntries)) {
        const stale = entries.filter((entry) => !files.some((file) => matches(entry, file)));
        if (stale.length > 0) throw new Error(`test/support/tiers.js: ${tier} names no test file: ${stale.join(', ')}`);
    }
    return tiers;
}

module.exports = { tierEntries, tierNames, testFiles, testTiers };
