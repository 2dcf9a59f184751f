/**
 * Cold start (docs/architecture.md, "Cold start"): a function entry registers at load and builds what it runs on its
 * first call. These two helpers are how it defers that work.
 */

/** `build` runs on the first call only; later calls return what it returned (a throw is not kept: the next call retries). */
export function onFirstUse<T>(build: () => T): () => T {
    let built: { readonly value: T } | undefined;
    return () => (built ??= { value: build() }).value;
}

/**
 * A function handler whose implementation (its modules, the services it needs) is built on its first invocation,
 * not when the worker loads the entry.
 */
export function handlerOnFirstUse<Args extends unknown[], Result>(
    build: () => (...args: Args) => Result,
): (...args: Args) => Result {
    const handler = onFirstUse(build);
    return (...args) => handler()(...args);
}
