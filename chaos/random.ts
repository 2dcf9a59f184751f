import { mulberry32 } from '../dev/graph-emulator/seededRandom';

/**
 * A small seeded PRNG (mulberry32): the same `--seed` gives the same workload, the same receiver failures and the
 * same kill moments, so a failing run can be repeated. (The emulator's faults are seeded from it too.)
 */
export interface Random {
    /** Uniform in [0, 1). */
    next(): number;
    /** Uniform integer in [min, max]. */
    int(min: number, max: number): number;
    /** True with probability `p`. */
    chance(p: number): boolean;
    pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): Random {
    const next = mulberry32(seed);
    return {
        next,
        int: (min, max) => min + Math.floor(next() * (max - min + 1)),
        chance: (p) => next() < p,
        pick: <T>(items: readonly T[]) => {
            const item = items[Math.floor(next() * items.length)];
            if (item === undefined) throw new RangeError('pick from an empty list');
            return item;
        },
    };
}
