import type * as FirstUse from './firstUse';

let loaded: typeof FirstUse | undefined;

/**
 * The one place that requires the first-use code (firstUse.ts), on the first call of any function. The deployed
 * bundle turns this `require` into its second chunk, `chunks/firstUse.js` (dev/package/bundle.ts): keep the
 * specifier `./firstUse` as it is.
 */
export function firstUseCode(): typeof FirstUse {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at load
    loaded ??= require('./firstUse') as typeof FirstUse;
    return loaded;
}

/** The first-use code if a function has run in this worker, else undefined (shutdown then loads nothing). */
export function firstUseCodeIfLoaded(): typeof FirstUse | undefined {
    return loaded;
}
