/**
 * How long a log line may wait before it is written. Under load the host writes one batch of lines per interval
 * instead of one write per line: a write to a pipe is a synchronous syscall on Linux, and with several lines per
 * request it was about a tenth of the host's CPU (issue 19). A SIGKILLed host loses at most this much output.
 */
export const logFlushIntervalMs = 50;
/** Buffered text that is written at once rather than waiting for the interval. */
const maxBufferedChars = 64 * 1024;

/** Lines for one file descriptor, written together; flushed on an interval, when large, and at process exit. */
export class LineBuffer {
    #lines: string[] = [];
    #chars = 0;
    #timer: NodeJS.Timeout | undefined;

    constructor(private readonly write: (text: string) => void) {
        process.once('exit', () => this.flush());
    }

    push(line: string): void {
        this.#lines.push(line);
        this.#chars += line.length + 1;
        if (this.#chars >= maxBufferedChars) this.flush();
        else this.#timer ??= setTimeout(() => this.flush(), logFlushIntervalMs).unref();
    }

    flush(): void {
        if (this.#timer !== undefined) clearTimeout(this.#timer);
        this.#timer = undefined;
        if (this.#lines.length === 0) return;
        const text = this.#lines.join('\n') + '\n';
        this.#lines = [];
        this.#chars = 0;
        this.write(text);
    }
}
