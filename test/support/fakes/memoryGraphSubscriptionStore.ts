import type { FeedSubscriptionStore, SubscriptionSecret, WatchedMailbox } from '../../../src/domain/feed/ports';
import { ConcurrencyConflict, type Stored } from '../../../src/domain/shared/stored';

/** The feed's subscription rows and their subscription id index in memory, with ETags as the Table store keeps them. */
export class MemoryGraphSubscriptionStore implements FeedSubscriptionStore {
    readonly rows = new Map<string, Stored<WatchedMailbox>>();
    readonly index = new Map<string, SubscriptionSecret>();
    private version = 0;

    listMailboxes() {
        return Promise.resolve([...this.rows.values()]);
    }

    getMailbox(mailbox: string) {
        return Promise.resolve(this.rows.get(mailbox.toLowerCase()) ?? null);
    }

    saveMailbox(row: WatchedMailbox, etag: string | undefined, previousSubscriptionId?: string) {
        const key = row.mailbox.toLowerCase();
        if (this.rows.get(key)?.etag !== etag) {
            return Promise.reject(new ConcurrencyConflict('graphSubscription', row.mailbox));
        }
        if (previousSubscriptionId !== undefined) this.index.delete(previousSubscriptionId);
        if (row.subscriptionId !== undefined && row.clientState !== undefined) {
            this.index.set(row.subscriptionId, { mailbox: row.mailbox, clientState: row.clientState });
        }
        const stored = { value: structuredClone(row), etag: `W/"${++this.version}"` };
        this.rows.set(key, stored);
        return Promise.resolve(stored);
    }

    removeMailbox(row: Stored<WatchedMailbox>) {
        const key = row.value.mailbox.toLowerCase();
        if (this.rows.get(key)?.etag !== row.etag) {
            return Promise.reject(new ConcurrencyConflict('graphSubscription', row.value.mailbox));
        }
        this.rows.delete(key);
        if (row.value.subscriptionId !== undefined) this.index.delete(row.value.subscriptionId);
        return Promise.resolve();
    }

    findSubscription(subscriptionId: string) {
        return Promise.resolve(this.index.get(subscriptionId) ?? null);
    }
}
