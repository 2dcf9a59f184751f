import type {
    CalendarDeltaGraph,
    CreatedSubscription,
    DeltaChange,
    DeltaPage,
    SubscriptionGraph,
    SubscriptionRequest,
    WatchDirectory,
} from '../../../src/domain/feed/ports';

/**
 * Graph as the feed sees it, in memory: the directory (users, groups), `/subscriptions` and calendar view delta.
 * `calls` lists what was asked, in order; `fail` makes the next call of a kind throw.
 */
export class FakeSubscriptionGraph implements SubscriptionGraph, CalendarDeltaGraph, WatchDirectory {
    /** UPN (lower case) → object id. */
    readonly users = new Map<string, string>();
    readonly groups = new Map<string, string[]>();
    readonly subscriptions = new Map<string, SubscriptionRequest>();
    /** Changes the next delta from a link returns, per mailbox; a full sync returns `calendar`. */
    readonly pendingChanges = new Map<string, DeltaChange[]>();
    readonly calendar = new Map<string, DeltaChange[]>();
    /** Delta links Graph no longer knows (410). */
    readonly expiredLinks = new Set<string>();
    readonly calls: string[] = [];
    readonly failures = new Map<string, Error>();
    private nextId = 0;

    addUser(upn: string, id: string): this {
        this.users.set(upn.toLowerCase(), id);
        return this;
    }

    private failIfAsked(kind: string): void {
        const failure = this.failures.get(kind);
        if (failure === undefined) return;
        this.failures.delete(kind);
        throw failure;
    }

    findUserId(idOrUpn: string) {
        const byUpn = this.users.get(idOrUpn.toLowerCase());
        const byId = [...this.users.values()].find((id) => id === idOrUpn);
        return Promise.resolve(byUpn ?? byId ?? null);
    }

    listUserIds() {
        this.calls.push('listUsers');
        return Promise.resolve([...this.users.values()]);
    }

    listGroupMemberIds(groupId: string) {
        this.calls.push(`members ${groupId}`);
        return Promise.resolve(this.groups.get(groupId) ?? null);
    }

    create(request: SubscriptionRequest): Promise<CreatedSubscription> {
        this.calls.push(`create ${request.mailbox}`);
        this.failIfAsked('create');
        const id = `sub-${++this.nextId}`;
        this.subscriptions.set(id, request);
        return Promise.resolve({ id, expiresAt: request.expiresAt });
    }

    renew(subscriptionId: string, expiresAt: string) {
        this.calls.push(`renew ${subscriptionId}`);
        this.failIfAsked('renew');
        const current = this.subscriptions.get(subscriptionId);
        if (current === undefined) return Promise.resolve('gone' as const);
        this.subscriptions.set(subscriptionId, { ...current, expiresAt });
        return Promise.resolve({ expiresAt });
    }

    remove(subscriptionId: string) {
        this.calls.push(`remove ${subscriptionId}`);
        this.subscriptions.delete(subscriptionId);
        return Promise.resolve();
    }

    delta(
        mailbox: string,
        from: { readonly deltaLink: string } | { readonly start: string; readonly end: string },
    ): Promise<DeltaPage | 'expired'> {
        const link = 'deltaLink' in from ? from.deltaLink : undefined;
        this.calls.push(link === undefined ? `fullSync ${mailbox}` : `delta ${mailbox}`);
        if (link !== undefined && this.expiredLinks.has(link)) return Promise.resolve('expired');
        const changes =
            link === undefined ? (this.calendar.get(mailbox) ?? []) : (this.pendingChanges.get(mailbox) ?? []);
        this.pendingChanges.delete(mailbox);
        return Promise.resolve({ changes, deltaLink: `delta:${mailbox}:${++this.nextId}` });
    }

    /** The subscription Graph holds for the mailbox, if any. */
    subscriptionOf(mailbox: string): [string, SubscriptionRequest] | undefined {
        return [...this.subscriptions].find(([, request]) => request.mailbox === mailbox);
    }
}
