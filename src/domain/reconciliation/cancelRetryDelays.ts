/**
 * Backoff before the next cancel attempt of an unfinished item: 1 min, 5 min, 30 min, … On its own so the settings
 * schema (loaded when the worker starts) reads the default without loading reconciliation.
 */
export const cancelRetryDelaysMs: readonly number[] = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];
