import type { FeedChangeMessage, FeedChangeQueue } from './changeMessage';
import type { LifecycleMessage } from './lifecycleMessage';
import type { CalendarDeltaGraph, DeltaPage, WatchedMailbox } from './ports';
import { keepSubscription, type RenewalDeps } from './renewal';
import type { Stored } from '../shared/stored';
import { deltaWindow } from './window';

export interface LifecycleDeps extends RenewalDeps {
    readonly changes: FeedChangeQueue;
    readonly tenantId: string;
}

export type LifecycleOutcome =
    'stale' | 'renewed' | 'created' | { readonly caughtUp: number; readonly fullSync: boolean };

/**
 * Does what a lifecycle notification asks, in the `graph-lifecycle` queue function (never in Graph's request):
 * `reauthorizationRequired` renews the subscription now (created again if Graph says it is gone),
 * `subscriptionRemoved` creates it again, `missed` catches up with a delta query. A notification about a
 * subscription the mailbox no longer has (already replaced) changes nothing.
 */
export async function handleLifecycle(message: LifecycleMessage, deps: LifecycleDeps): Promise<LifecycleOutcome> {
    const row = await deps.store.getMailbox(message.mailbox);
    if (row === null || row.value.subscriptionId !== message.subscriptionId) return 'stale';
    switch (message.lifecycleEvent) {
        case 'reauthorizationRequired':
            return keepSubscription(message.mailbox, row, true, deps);
        case 'subscriptionRemoved':
            return keepSubscription(
                message.mailbox,
                { ...row, value: { ...row.value, state: 'missing' } },
                false,
                deps,
            );
        case 'missed':
            return catchUp(row, deps);
    }
}

/**
 * The changes Graph could not deliver: the mailbox's calendar view delta from the stored link; each changed or
 * removed item becomes a message. Without a link (its baseline never succeeded) or when Graph no longer knows it
 * (410), a full sync over the window, every item enqueued: the worker tells cancellations from the rest, and a
 * message for an item that did not change does nothing.
 */
export async function catchUp(
    row: Stored<WatchedMailbox>,
    deps: LifecycleDeps,
): Promise<{ readonly caughtUp: number; readonly fullSync: boolean }> {
    const { mailbox } = row.value;
    const window = deltaWindow(deps.clock.now(), deps.settings.windowDays);
    let fullSync = row.value.deltaLink === undefined;
    let page: DeltaPage | 'expired' = await sync(deps.delta, mailbox, row.value.deltaLink ?? window);
    if (page === 'expired') {
        fullSync = true;
        page = await sync(deps.delta, mailbox, window);
        if (page === 'expired') throw new Error(`Graph refused a fresh calendar view delta of ${mailbox}`);
    }
    const observedAt = deps.clock.now().toISOString();
    const messages: FeedChangeMessage[] = page.changes.map((change) => ({
        schemaVersion: 1,
        kind: 'event',
        tenantId: deps.tenantId,
        mailbox,
        eventId: change.eventId,
        changeType: change.removed ? 'deleted' : 'updated',
        observedAt,
    }));
    await Promise.all(messages.map((message) => deps.changes.enqueue(message)));
    const latest = (await deps.store.getMailbox(mailbox)) ?? row;
    await deps.store.saveMailbox({ ...latest.value, deltaLink: page.deltaLink, updatedAt: observedAt }, latest.etag);
    return { caughtUp: messages.length, fullSync };
}

function sync(
    graph: CalendarDeltaGraph,
    mailbox: string,
    from: string | { readonly start: string; readonly end: string },
): Promise<DeltaPage | 'expired'> {
    return graph.delta(mailbox, typeof from === 'string' ? { deltaLink: from } : from);
}
