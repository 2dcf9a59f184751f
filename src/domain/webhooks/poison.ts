import { createHash } from 'node:crypto';
import type { NotificationMessage } from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import type { Delivery, DeliveryJob, DeliveryStore } from './delivery';
import { ConcurrencyConflict, type Stored } from '../shared/stored';

/**
 * Delays before each re-send of a poisoned notification: about 8.6 hours in all (a long storage outage or a fix
 * deployed the same day), each re-send being another `maxDequeueCount` tries of the fan-out. Then it stays parked.
 */
export const notificationRedriveDelaysMs: readonly number[] = [5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];

/**
 * `redriving`: sent again, due at `nextRedriveAt` (it poisons again or goes through); `parked`: re-sent as often as
 * the schedule allows and still failing, waiting for an operator; `unreadable`: not a notification message at all.
 */
export type ParkedNotificationState = 'redriving' | 'parked' | 'unreadable';

/** A notification message that reached `notifications-poison`, kept so it is visible and can be sent again. */
export interface ParkedNotification {
    /** The message's `messageId`, or `unreadable_<hash>` for a message that does not parse. */
    readonly id: string;
    readonly tenantId: string;
    readonly state: ParkedNotificationState;
    readonly message?: NotificationMessage | undefined;
    /** The start of an unreadable message, as it arrived. */
    readonly raw?: string | undefined;
    /** Re-sends made so far. */
    readonly redrives: number;
    readonly firstParkedAt: string;
    readonly lastParkedAt: string;
    readonly nextRedriveAt?: string | undefined;
}

export interface ParkedNotificationPage {
    readonly items: readonly ParkedNotification[];
    readonly continuationToken?: string | undefined;
}

/** Parked notifications (Azure Table `parkednotifications`), one partition per tenant, ETag concurrency. */
export interface ParkedNotificationStore {
    get(tenantId: string, id: string): Promise<Stored<ParkedNotification> | null>;
    /** Inserts when `etag` is absent, else replaces if unchanged; ConcurrencyConflict otherwise. */
    save(parked: ParkedNotification, etag?: string): Promise<Stored<ParkedNotification>>;
    list(tenantId: string, pageSize: number, continuationToken?: string): Promise<ParkedNotificationPage>;
}

/** Puts a notification back on the `notifications` queue after `delayMs`. */
export interface NotificationRedriveQueue {
    enqueue(message: NotificationMessage, delayMs: number): Promise<void>;
}

export interface PoisonDeps {
    readonly deliveries: DeliveryStore;
    readonly parked: ParkedNotificationStore;
    readonly redrive: NotificationRedriveQueue;
    readonly clock: Clock;
    /** Default {@link notificationRedriveDelaysMs}. */
    readonly redriveDelaysMs?: readonly number[] | undefined;
}

/** Rounds of read / conditional write before giving up when others keep changing the row (the host retries). */
const maxRounds = 3;

/**
 * A delivery job the queue function failed on every try: its delivery, still `pending` and not carried on by a later
 * job, becomes `failed` with the reason, so it is listed (`state=failed`) and replay or recover sends it again.
 */
export async function parkPoisonedDelivery(
    job: DeliveryJob,
    deps: Pick<PoisonDeps, 'deliveries' | 'clock'>,
): Promise<'failed' | 'unchanged' | 'missing'> {
    for (let round = 0; round < maxRounds; round++) {
        const stored = await deps.deliveries.get(job.tenantId, job.deliveryId);
        if (!stored) return 'missing';
        // Finished, or a later attempt's job carries it on: this stale job changes nothing.
        if (stored.value.state !== 'pending' || stored.value.attempts > job.attempt) return 'unchanged';
        const now = deps.clock.now().toISOString();
        const failed: Delivery = {
            ...stored.value,
            state: 'failed',
            updatedAt: now,
            nextAttemptAt: undefined,
            lastError: `poisoned: the job for attempt ${job.attempt} failed every try of the queue function`,
        };
        try {
            await deps.deliveries.update(failed, stored.etag);
            return 'failed';
        } catch (error) {
            if (!(error instanceof ConcurrencyConflict)) throw error;
        }
    }
    throw new ConcurrencyConflict('delivery', job.deliveryId);
}

export type NotificationParkOutcome = 'redriven' | 'parked';

/**
 * A notification the fan-out failed on every try: sent again after the next delay of the schedule, counted on its
 * parked row, or, once the schedule is used up, left `parked` for an operator. The message goes out before the row
 * is written: a crash in between re-sends it twice (fan-out is idempotent per message), never zero times.
 */
export async function parkPoisonedNotification(
    message: NotificationMessage,
    deps: Omit<PoisonDeps, 'deliveries'>,
): Promise<NotificationParkOutcome> {
    const delays = deps.redriveDelaysMs ?? notificationRedriveDelaysMs;
    let sent = false;
    for (let round = 0; round < maxRounds; round++) {
        const stored = await deps.parked.get(message.tenantId, message.messageId);
        const now = deps.clock.now();
        const redrives = stored?.value.redrives ?? 0;
        const delayMs = delays[redrives];
        const parked: ParkedNotification = {
            id: message.messageId,
            tenantId: message.tenantId,
            message,
            redrives: delayMs === undefined ? redrives : redrives + 1,
            state: delayMs === undefined ? 'parked' : 'redriving',
            firstParkedAt: stored?.value.firstParkedAt ?? now.toISOString(),
            lastParkedAt: now.toISOString(),
            nextRedriveAt: delayMs === undefined ? undefined : new Date(now.getTime() + delayMs).toISOString(),
        };
        if (delayMs !== undefined && !sent) {
            await deps.redrive.enqueue(message, delayMs);
            sent = true;
        }
        try {
            await deps.parked.save(parked, stored?.etag);
            return parked.state === 'parked' ? 'parked' : 'redriven';
        } catch (error) {
            if (!(error instanceof ConcurrencyConflict)) throw error;
        }
    }
    throw new ConcurrencyConflict('parked notification', message.messageId);
}

/** Longest start of an unreadable message kept for the operator. */
const maxRawChars = 4_000;

/** A message on `notifications-poison` that is no notification: kept as it arrived (once), never sent. */
export async function parkUnreadableNotification(
    tenantId: string,
    raw: string,
    deps: Pick<PoisonDeps, 'parked' | 'clock'>,
): Promise<void> {
    const id = `unreadable_${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
    const now = deps.clock.now().toISOString();
    if (await deps.parked.get(tenantId, id)) return;
    try {
        await deps.parked.save({
            id,
            tenantId,
            state: 'unreadable',
            raw: raw.slice(0, maxRawChars),
            redrives: 0,
            firstParkedAt: now,
            lastParkedAt: now,
        });
    } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
    }
}

/** An operator's re-send of a parked notification: now, with the schedule started over. */
export async function redriveParkedNotification(
    stored: Stored<ParkedNotification>,
    deps: Pick<PoisonDeps, 'parked' | 'redrive' | 'clock'>,
): Promise<ParkedNotification> {
    const { message } = stored.value;
    if (message === undefined) throw new Error('an unreadable message cannot be sent again');
    const now = deps.clock.now().toISOString();
    const next: ParkedNotification = { ...stored.value, state: 'redriving', redrives: 0, nextRedriveAt: now };
    const saved = await deps.parked.save(next, stored.etag);
    await deps.redrive.enqueue(message, 0);
    return saved.value;
}
