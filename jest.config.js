/** @type {import('jest').Config} */
module.exports = {
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    testMatch: ['**/*.test.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    globalSetup: '<rootDir>/test/support/globalSetup.ts',
    globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
    testTimeout: 30000,
    reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
