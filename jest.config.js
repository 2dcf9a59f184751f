const { testTiers } = require('./test/support/tiers');

const tiers = testTiers(__dirname);

/** Settings every tier shares; each tier runs only its own files (test/support/tiers.js). */
function project(name, extra = {}) {
    return {
        displayName: name,
        rootDir: __dirname,
        roots: ['<rootDir>/test'],
        testMatch: tiers[name].map((file) => `<rootDir>/${file}`),
        transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
        testEnvironment: '<rootDir>/test/support/quietEnvironment.ts',
        ...extra,
    };
}

/** Azurite for the run on free ports, the dev CA and signing keys: what integration and e2e tests need. */
const withAzurite = {
    globalSetup: '<rootDir>/test/support/globalSetup.ts',
    globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
    projects: [project('unit'), project('integration', withAzurite), project('e2e', withAzurite)],
    testTimeout: 30000,
    reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
