/** Connection string of the Azurite that the test run's global setup started. */
export function testStorageConnectionString(): string {
    const value = process.env.TEST_STORAGE_CONNECTION_STRING;
    if (!value) throw new Error('TEST_STORAGE_CONNECTION_STRING is not set: run the tests through jest (globalSetup)');
    return value;
}
