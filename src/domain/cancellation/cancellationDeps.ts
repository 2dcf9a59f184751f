import type { Clock } from '../ports/clock';
import { CheckSchedule } from './checkSchedule';
import type { BookingsGraph, CalendarGraph } from './graphPorts';
import type { NotificationRelay } from './notificationRelay';
import type { OutboxDeps } from './outbox';
import type { CancellationStore } from './store';

export interface CancellationSettings {
    /** How long after Graph's acceptance reconciliation first re-verifies. */
    readonly verifyDelayMs: number;
    /** How long a `pending` record is left alone before reconciliation asks Graph what happened. */
    readonly pendingGraceMs: number;
    /** After this long an attempt still in flight is taken as abandoned; default `defaultInFlightLockMs` (concurrentAttempt.ts). */
    readonly inFlightLockMs?: number | undefined;
    /** How long a request waits for a concurrent attempt at the same item before a 409; default 10 s. */
    readonly waitForOtherAttemptMs?: number | undefined;
}

export interface CancellationDeps {
    readonly store: CancellationStore;
    readonly calendar: CalendarGraph;
    readonly bookings: BookingsGraph;
    /** Sends each accepted cancellation's notification once the caller has its answer. */
    readonly relay: NotificationRelay;
    /** Where a drift found on the request path is announced (sent before the re-cancel, as reconciliation does). */
    readonly notifications: OutboxDeps['notifications'];
    readonly clock: Clock;
    readonly newId: () => string;
    readonly settings: CancellationSettings;
    readonly log: (message: string) => void;
    /** Waits between reads of a record another request is working on; default a timer. */
    readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** When the request path's writes make a record due next (reconciliation has its own delays). */
export function requestSchedule(settings: CancellationSettings) {
    return new CheckSchedule({ verifyDelayMs: settings.verifyDelayMs, pendingGraceMs: settings.pendingGraceMs });
}

/** What the steps of one attempt share: the service's dependencies and its schedule. */
export interface AttemptContext {
    readonly deps: CancellationDeps;
    readonly schedule: ReturnType<typeof requestSchedule>;
}
