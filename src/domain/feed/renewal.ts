import { AppError } from '../../errors/appError';
import type { TenantPolicy } from '../access/tenantPolicy';
import type { Clock } from '../ports/clock';
import type { Stored } from '../shared/stored';
import type {
    CalendarDeltaGraph,
    FeedSubscriptionStore,
    SubscriptionGraph,
    WatchDirectory,
    WatchedMailbox,
} from './ports';
import { resolveWatchScope, watchesMailboxes } from './scope';
import { deltaWindow } from './window';

/** Where Graph posts, and how long a subscription lives. */
export interface FeedEndpoints {
    readonly notificationUrl: string;
    readonly lifecycleNotificationUrl: string;
}

export interface FeedSettings {
    /** Absent: the feed is off (FEED_NOTIFICATION_BASE_URL unset). */
    readonly endpoints: FeedEndpoints | undefined;
    readonly subscriptionLifetimeMs: number;
    readonly windowDays: number;
}

export interface RenewalDeps {
    readonly watch: TenantPolicy['watch'];
    readonly directory: WatchDirectory;
    readonly store: FeedSubscriptionStore;
    readonly graph: SubscriptionGraph;
    readonly delta: CalendarDeltaGraph;
    readonly clock: Clock;
    /** A fresh random `clientState` (at most 128 characters, Graph's limit). */
    readonly newSecret: () => string;
    readonly settings: FeedSettings;
    readonly log: (message: string) => void;
}

export type RenewalSummary =
    | { readonly off: true; readonly reason: string }
    | {
          readonly off: false;
          readonly watched: number;
          readonly created: number;
          readonly renewed: number;
          readonly deleted: number;
          readonly failed: number;
          /** Graph throttled beyond the client's retries: the pass stopped; the next tick goes on. */
          readonly throttled: boolean;
          readonly unknown: readonly string[];
      };

/** Mailboxes worked at once: Graph validates each new subscription's URL before it answers (up to 10 s). */
const mailboxesInFlight = 4;

/** Whether the error is Graph (or the client) saying "not now": 429, or 503 with the client's `Retry-After`. */
export function isThrottled(error: unknown): boolean {
    return error instanceof AppError && (error.status === 429 || error.status === 503);
}

/** Why the feed does nothing, or undefined when it is on. */
export function feedOffReason(watch: TenantPolicy['watch'], settings: FeedSettings): string | undefined {
    if (settings.endpoints === undefined) return 'FEED_NOTIFICATION_BASE_URL is not set';
    if (!watchesMailboxes(watch)) return "the tenant policy's watch names no mailbox or group";
    return undefined;
}

/**
 * One pass of the feed timer: every watched mailbox gets a subscription (created when missing or expired, renewed
 * once less than half its lifetime is left, created again when Graph no longer has it), and the subscriptions of
 * mailboxes no longer watched are deleted. Idempotent: a pass cut short is finished by the next.
 */
export async function renewSubscriptions(deps: RenewalDeps): Promise<RenewalSummary> {
    const reason = feedOffReason(deps.watch, deps.settings);
    if (reason !== undefined) return { off: true, reason };
    const scope = await resolveWatchScope(deps.watch, deps.directory);
    const rows = new Map((await deps.store.listMailboxes()).map((row) => [row.value.mailbox.toLowerCase(), row]));
    const counts = { created: 0, renewed: 0, deleted: 0, failed: 0 };
    let throttled = false;
    const work: (() => Promise<void>)[] = [];
    for (const mailbox of scope.mailboxes) {
        const row = rows.get(mailbox);
        const action = actionFor(row?.value, deps);
        if (action === 'none') continue;
        work.push(async () => {
            if (action === 'baseline' && row !== undefined) {
                await takeBaseline(row, deps);
                return;
            }
            const outcome = await keepSubscription(mailbox, row, action === 'renew', deps);
            counts[outcome] += 1;
        });
    }
    for (const [mailbox, row] of rows) {
        if (scope.mailboxes.has(mailbox)) continue;
        work.push(async () => {
            await unwatch(row, deps);
            counts.deleted += 1;
        });
    }
    await runPooled(work, mailboxesInFlight, (error) => {
        if (isThrottled(error)) {
            throttled = true;
            return 'stop';
        }
        counts.failed += 1;
        deps.log(`feed: ${describe(error)}`);
        return 'continue';
    });
    return { off: false, watched: scope.mailboxes.size, ...counts, throttled, unknown: scope.unknown };
}

type Action = 'create' | 'renew' | 'baseline' | 'none';

function actionFor(row: WatchedMailbox | undefined, deps: RenewalDeps): Action {
    if (row === undefined || row.state !== 'active' || row.subscriptionId === undefined) return 'create';
    const leftMs = Date.parse(row.expiresAt ?? '') - deps.clock.now().getTime();
    if (!(leftMs > 0)) return 'create';
    if (leftMs < deps.settings.subscriptionLifetimeMs / 2) return 'renew';
    return row.deltaLink === undefined ? 'baseline' : 'none';
}

/**
 * Renews the mailbox's subscription (or creates it when there is none or Graph says it is gone), then makes sure a
 * delta link is kept for a later `missed` catch-up.
 */
export async function keepSubscription(
    mailbox: string,
    row: Stored<WatchedMailbox> | undefined,
    renew: boolean,
    deps: RenewalDeps,
): Promise<'created' | 'renewed'> {
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + deps.settings.subscriptionLifetimeMs).toISOString();
    let saved: Stored<WatchedMailbox>;
    let outcome: 'created' | 'renewed';
    const current = row?.value;
    const renewed =
        renew && current?.subscriptionId !== undefined
            ? await deps.graph.renew(current.subscriptionId, expiresAt)
            : 'gone';
    if (renewed !== 'gone' && current !== undefined) {
        saved = await deps.store.saveMailbox(
            { ...current, expiresAt: renewed.expiresAt, lastError: undefined, updatedAt: now.toISOString() },
            row?.etag,
        );
        outcome = 'renewed';
    } else {
        saved = await createSubscription(mailbox, row, expiresAt, deps);
        outcome = 'created';
    }
    if (saved.value.deltaLink === undefined) await takeBaseline(saved, deps);
    return outcome;
}

async function createSubscription(
    mailbox: string,
    row: Stored<WatchedMailbox> | undefined,
    expiresAt: string,
    deps: RenewalDeps,
): Promise<Stored<WatchedMailbox>> {
    const endpoints = deps.settings.endpoints;
    if (endpoints === undefined) throw new Error('feed endpoints are not configured');
    const clientState = deps.newSecret();
    const created = await deps.graph.create({ mailbox, ...endpoints, clientState, expiresAt });
    const previous = row?.value.subscriptionId;
    return deps.store.saveMailbox(
        {
            mailbox,
            state: 'active',
            subscriptionId: created.id,
            clientState,
            expiresAt: created.expiresAt,
            deltaLink: row?.value.deltaLink,
            lastError: undefined,
            updatedAt: deps.clock.now().toISOString(),
        },
        row?.etag,
        previous !== undefined && previous !== created.id ? previous : undefined,
    );
}

/**
 * The mailbox's first delta sync, to get a link: what it lists is the calendar as it is, not changes, so nothing
 * is enqueued. A failure leaves the link absent and the next pass tries again.
 */
async function takeBaseline(row: Stored<WatchedMailbox>, deps: RenewalDeps): Promise<void> {
    let page: Awaited<ReturnType<CalendarDeltaGraph['delta']>>;
    try {
        page = await deps.delta.delta(row.value.mailbox, deltaWindow(deps.clock.now(), deps.settings.windowDays));
    } catch (error) {
        // The subscription stands without it; a `missed` then does a full sync. Throttling still stops the pass.
        if (isThrottled(error)) throw error;
        deps.log(`feed: no delta baseline for ${row.value.mailbox} yet: ${describe(error)}`);
        return;
    }
    if (page === 'expired') return;
    await deps.store.saveMailbox({ ...row.value, deltaLink: page.deltaLink }, row.etag);
}

async function unwatch(row: Stored<WatchedMailbox>, deps: RenewalDeps): Promise<void> {
    if (row.value.subscriptionId !== undefined) await deps.graph.remove(row.value.subscriptionId);
    await deps.store.removeMailbox(row);
}

function describe(error: unknown): string {
    if (error instanceof AppError) return `${error.status} ${error.code}: ${error.message}`;
    return error instanceof Error ? error.message : String(error);
}

/** Runs the tasks, `limit` at a time; `onError` decides whether the rest still start. */
async function runPooled(
    tasks: readonly (() => Promise<void>)[],
    limit: number,
    onError: (error: unknown) => 'stop' | 'continue',
): Promise<void> {
    let next = 0;
    let stopped = false;
    const worker = async () => {
        while (!stopped && next < tasks.length) {
            const task = tasks[next++];
            if (task === undefined) return;
            try {
                await task();
            } catch (error) {
                if (onError(error) === 'stop') stopped = true;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
