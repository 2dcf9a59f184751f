/** Time as the domain sees it; tests give a fake one. */
export interface Clock {
    now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
