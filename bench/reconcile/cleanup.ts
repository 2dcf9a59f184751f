/** What to stop if the bench is interrupted (Ctrl-C, SIGTERM): the emulator and Azurite it started. */
const running = new Set<() => Promise<void>>();

/** Registers `stop` until the returned function is called. */
export function stopOnInterrupt(stop: () => Promise<void>): () => void {
    running.add(stop);
    return () => running.delete(stop);
}

/** On SIGINT or SIGTERM: stop everything registered, then exit with 128 + signal number. */
export function installInterruptHandlers(): void {
    for (const [signal, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
    ] as const) {
        process.once(signal, () => {
            console.error(`bench:reconcile: ${signal}, stopping the emulator and Azurite`);
            void Promise.allSettled([...running].map((stop) => stop())).then(() => process.exit(code));
        });
    }
}
