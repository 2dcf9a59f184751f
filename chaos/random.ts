/**
 * A small seeded PRNG (mulberry32): the same `--seed` gives the same workload, the same receiver failures and the
 * same kill moments, so a failing run can be repeated. (Graph emulator faults use their own randomness.)
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
    let state = seed >>> 0;
    const next = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
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
