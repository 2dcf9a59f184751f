import type { Actor, CancellationRecord, CancelledResource, Recipient } from '../cancellation/record';

/**
 * Who an outside cancellation is recorded for: the meeting's organizer (or the booking business), basis `observed`.
 * Nobody asked the gateway, so there is no app: `appId` is empty.
 */
export function observedActor(objectId: string, userPrincipalName: string | undefined): Actor {
    return { kind: 'user', objectId, userPrincipalName, appId: '', basis: 'observed' };
}

export interface OutsideCancellation {
    readonly id: string;
    readonly tenantId: string;
    readonly kind: CancellationRecord['kind'];
    readonly origin: 'outlook' | 'bookings';
    readonly actor: Actor;
    readonly resource: CancelledResource;
    readonly audience: readonly Recipient[];
    /** ISO 8601 UTC. */
    readonly now: string;
    /** When reconciliation must send the notification if the worker cannot (the outbox's owed time). */
    readonly notificationOwedAt: string;
}

/**
 * The record of a cancellation made outside the gateway: already `verified` (Graph showed it cancelled, gone or the
 * poll saw it disappear, and there is nothing to cancel again), its notification owed (outbox flag).
 */
export function outsideRecord(c: OutsideCancellation): CancellationRecord {
    return {
        id: c.id,
        tenantId: c.tenantId,
        kind: c.kind,
        origin: c.origin,
        state: 'verified',
        createdAt: c.now,
        updatedAt: c.now,
        actor: c.actor,
        resource: c.resource,
        audience: c.audience,
        graphRequestIds: [],
        attempts: 0,
        history: [],
        notificationPending: true,
        nextCheckAt: c.notificationOwedAt,
    };
}
