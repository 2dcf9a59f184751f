import type { TimerClock } from '../../../dev/host/timers/timerListener';

interface Wait {
    atMs: number;
    callback: () => void;
}

/** Lets every promise chain started by a callback run to its end (in-process fakes settle within one macrotask). */
export function settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}

/** A clock that moves only when the test moves it, firing the waits that fall due in order. */
export class ManualClock implements TimerClock {
    #nowMs: number;
    #waits: Wait[] = [];

    constructor(start: Date) {
        this.#nowMs = start.getTime();
    }

    now(): Date {
        return new Date(this.#nowMs);
    }

    after(delayMs: number, callback: () => void): () => void {
        const wait: Wait = { atMs: this.#nowMs + delayMs, callback };
        this.#waits.push(wait);
        return () => {
            this.#waits = this.#waits.filter((w) => w !== wait);
        };
    }

    /** When the pending waits fall due, earliest first. */
    get pending(): Date[] {
        return this.#waits.map((w) => new Date(w.atMs)).sort((a, b) => a.getTime() - b.getTime());
    }

    /** Moves to `to`, stopping at each wait that falls due on the way to fire it and let what it started settle. */
    async advanceTo(to: Date): Promise<void> {
        for (;;) {
            const next = [...this.#waits].sort((a, b) => a.atMs - b.atMs)[0];
            if (next === undefined || next.atMs > to.getTime()) break;
            this.#waits = this.#waits.filter((w) => w !== next);
            this.#nowMs = Math.max(this.#nowMs, next.atMs);
            next.callback();
            await settle();
        }
        this.#nowMs = Math.max(this.#nowMs, to.getTime());
        await settle();
    }
}
