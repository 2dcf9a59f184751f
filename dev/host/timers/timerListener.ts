import type { RegisteredFunction } from '../coreApi';
import type { Invoker } from '../invoke';
import type { HostLogger } from '../log';
import type { ScheduleMonitor, ScheduleStatus } from './monitor';
import type { TimerSchedule } from './schedule';

export interface TimerListenerOptions {
    fn: RegisteredFunction;
    triggerName: string;
    schedule: TimerSchedule;
    runOnStartup: boolean;
    /** Monitor for schedule status when `useMonitor` is on; undefined otherwise. */
    monitor: ScheduleMonitor | undefined;
    invoker: Pick<Invoker, 'invoke'>;
    logger: HostLogger;
    /** The time and the waits between occurrences (the system clock unless a test gives its own). */
    clock?: TimerClock;
}

/** What a timer listener needs of time: the current instant, and a callback after a delay that can be cancelled. */
export interface TimerClock {
    now(): Date;
    /** Calls `callback` once, `delayMs` from now; the returned function cancels it. */
    after(delayMs: number, callback: () => void): () => void;
}

export const systemClock: TimerClock = {
    now: () => new Date(),
    after: (delayMs, callback) => {
        const timer = setTimeout(callback, delayMs);
        return () => clearTimeout(timer);
    },
};

const maxTimeoutMs = 2 ** 31 - 1;
const epoch = new Date(0);

/**
 * Runs one timer-triggered function like the host's TimerListener: past-due check against the
 * persisted schedule status on start (`isPastDue`), `runOnStartup`, then each occurrence in turn.
 * The next occurrence is computed after a run completes, so runs never overlap: ticks that fall
 * while a run is still going are skipped.
 */
export class TimerListener {
    readonly #o: TimerListenerOptions;
    readonly #clock: TimerClock;
    #status: ScheduleStatus | undefined;
    #cancelWait: (() => void) | undefined;
    #stopped = false;
    #running: Promise<void> | undefined;
    #lastDue: Date = epoch;

    constructor(options: TimerListenerOptions) {
        this.#o = options;
        this.#clock = options.clock ?? systemClock;
    }

    get name(): string {
        return this.#o.fn.metadata.name;
    }

    /** The monitor key, like the host's `Host.Functions.<name>`. */
    get #key(): string {
        return `Host.Functions.${this.name}`;
    }

    async start(): Promise<void> {
        const { monitor, schedule, runOnStartup, logger } = this.#o;
        const now = this.#clock.now();
        let pastDueOccurrence: Date | undefined;
        if (monitor) {
            const status = await monitor.get(this.#key);
            if (!status) {
                this.#status = { last: epoch, next: schedule.next(now), lastUpdated: now };
                await monitor.put(this.#key, this.#status);
            } else {
                let recordedNext = status.next;
                const expectedNext = schedule.next(status.last.getTime() === 0 ? status.lastUpdated : status.last);
                if (recordedNext > expectedNext) recordedNext = expectedNext; // the schedule changed
                this.#status = { ...status, next: recordedNext };
                if (now > recordedNext) pastDueOccurrence = recordedNext;
            }
        }
        if (pastDueOccurrence) {
            logger.info(`Function '${this.name}' is past due on startup. Executing now.`);
            this.#runNow(pastDueOccurrence, true);
        } else if (runOnStartup) {
            logger.info(`Function '${this.name}' is configured to run on startup. Executing now.`);
            this.#runNow(now, false);
        } else {
            this.#scheduleNext();
        }
    }

    /** Next occurrences, for the start-up listing. */
    nextOccurrences(count: number, from: Date = this.#clock.now()): Date[] {
        const out: Date[] = [];
        let at = from;
        for (let i = 0; i < count; i++) {
            at = this.#o.schedule.next(at);
            out.push(at);
        }
        return out;
    }

    async stop(): Promise<void> {
        this.#stopped = true;
        this.#cancelWait?.();
        await this.#running;
    }

    #scheduleNext(): void {
        if (this.#stopped) return;
        const now = this.#clock.now();
        const due = this.#o.schedule.next(now > this.#lastDue ? now : this.#lastDue);
        const arm = (): void => {
            this.#cancelWait = undefined;
            const wait = due.getTime() - this.#clock.now().getTime();
            if (wait > 0) {
                this.#cancelWait = this.#clock.after(Math.min(wait, maxTimeoutMs), arm);
                return;
            }
            this.#runNow(due, false);
        };
        arm();
    }

    #runNow(scheduled: Date, isPastDue: boolean): void {
        if (this.#stopped || this.#running) return;
        this.#lastDue = scheduled;
        this.#running = this.#invoke(scheduled, isPastDue).finally(() => {
            this.#running = undefined;
            this.#scheduleNext();
        });
    }

    async #invoke(scheduled: Date, isPastDue: boolean): Promise<void> {
        const { fn, triggerName, schedule, monitor, invoker, logger } = this.#o;
        const status = this.#status;
        const timerInfo = {
            Schedule: { AdjustForDST: schedule.adjustForDST },
            ScheduleStatus: status
                ? {
                      Last: status.last.toISOString(),
                      Next: status.next.toISOString(),
                      LastUpdated: status.lastUpdated.toISOString(),
                  }
                : null,
            IsPastDue: isPastDue,
        };
        try {
            await invoker.invoke(
                fn,
                { inputData: [{ name: triggerName, data: { json: JSON.stringify(timerInfo) } }], triggerMetadata: {} },
                `Timer fired at ${this.#clock.now().toISOString()}`,
            );
        } catch {
            // Logged by the invoker; the timer trigger does not retry.
        }
        if (monitor) {
            const now = this.#clock.now();
            this.#status = { last: scheduled, next: schedule.next(now), lastUpdated: now };
            try {
                await monitor.put(this.#key, this.#status);
            } catch (error) {
                logger.warn(`Timer '${this.name}': could not save schedule status: ${String(error)}`);
            }
        }
    }
}
