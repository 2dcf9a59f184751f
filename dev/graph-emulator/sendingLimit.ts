import { GraphError } from './errors';
import { type Clock } from './time';

const windowMs = 60_000;

/**
 * Exchange's per-mailbox message rate (30 messages per minute in Exchange Online), off unless set through
 * `PUT /_emulator/faults` `{"sendingLimit": {"messagesPerMinute": n}}`. Every write that sends a message from a
 * mailbox (a cancel or the organizer's delete of a meeting with attendees, a decline with `sendResponse`, a series
 * ending PATCH) counts one message; beyond the limit within a sliding minute the write is refused with 429 and a
 * `Retry-After` until the oldest counted message leaves the minute (docs/emulator.md, VERIFY choices).
 */
export class SendingLimit {
    private messagesPerMinute: number | undefined;
    private readonly sent = new Map<string, number[]>();

    constructor(private readonly clock: Clock) {}

    get config(): { messagesPerMinute: number } | null {
        return this.messagesPerMinute === undefined ? null : { messagesPerMinute: this.messagesPerMinute };
    }

    /** Sets the limit (null switches it off); the messages counted so far stay counted. */
    configure(config: { messagesPerMinute: number } | null): void {
        this.messagesPerMinute = config?.messagesPerMinute;
    }

    clear(): void {
        this.messagesPerMinute = undefined;
        this.sent.clear();
    }

    /**
     * Runs `write`, which sends one message from `mailboxId` when `sendsMessage` is true: refused with 429 before it
     * runs when the mailbox is at its limit; counted only when it succeeds.
     */
    send<T>(mailboxId: string, sendsMessage: boolean, write: () => T): T {
        if (!sendsMessage) return write();
        const now = this.clock.now();
        const recent = (this.sent.get(mailboxId) ?? []).filter((at) => at > now - windowMs);
        const limit = this.messagesPerMinute;
        if (limit !== undefined && recent.length >= limit) {
            const oldest = recent[recent.length - limit] ?? now;
            const retryAfterSeconds = Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
            throw new GraphError(
                429,
                'ApplicationThrottled',
                'Mailbox has exceeded its message submission rate limit.',
                { 'Retry-After': String(retryAfterSeconds) },
            );
        }
        const result = write();
        recent.push(now);
        this.sent.set(mailboxId, recent);
        return result;
    }
}
