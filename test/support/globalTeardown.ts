/** Stops the run's Azurite; the integration and e2e tiers both name this teardown, so the second call finds none. */
export default async function globalTeardown(): Promise<void> {
    const azurite = globalThis.__azurite__;
    globalThis.__azurite__ = undefined;
    await azurite?.stop();
}
