import { GraphError } from './errors';

/**
 * Outlook's per-(app, mailbox) concurrency limit: more than `limit` requests in flight for the same pair get
 * 429 "Application is over its MailboxConcurrency limit." with a Retry-After.
 */
export class MailboxConcurrency {
    private readonly inFlight = new Map<string, number>();

    acquire(appId: string, mailbox: string, limit: number): () => void {
        const key = `${appId.toLowerCase()}|${mailbox.toLowerCase()}`;
        const current = this.inFlight.get(key) ?? 0;
        if (current >= limit) {
            throw new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
                'Retry-After': '1',
            });
        }
        this.inFlight.set(key, current + 1);
        let released = false;
        return () => {
            if (released) return;
            released = true;
            const n = (this.inFlight.get(key) ?? 1) - 1;
            if (n <= 0) this.inFlight.delete(key);
            else this.inFlight.set(key, n);
        };
    }
}

/** A counting semaphore used to run at most N `$batch` items per mailbox at once. */
export class Semaphore {
    private active = 0;
    private readonly waiting: (() => void)[] = [];

    constructor(private readonly limit: number) {}

    async run<T>(task: () => Promise<T>): Promise<T> {
        if (this.active >= this.limit) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        } else {
            this.active += 1;
        }
        try {
            return await task();
        } finally {
            const next = this.waiting.shift();
            if (next) next();
            else this.active -= 1;
        }
    }
}
