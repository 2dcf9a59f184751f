import { randomBytes } from 'node:crypto';
import { BadRequestError } from '../../src/errors/appError';
import {
    SubscriptionService,
    type SubscriptionSettings,
    type ValidateTarget,
} from '../../src/domain/webhooks/subscriptionService';
import type { SubscriptionManager } from '../../src/domain/webhooks/subscriptionAccess';
import { MemorySubscriptionStore } from './memorySubscriptionStore';

export const tenantId = '11111111-2222-4333-8444-555555555555';
export const otherTenantId = '99999999-2222-4333-8444-555555555555';
/** Alice, a user without the administrator app role, managing her subscriptions in `tenantId`. */
export const creator: SubscriptionManager = {
    owner: { kind: 'user', tenantId, objectId: 'oid-alice', appId: 'app-1' },
    administrator: false,
};
/** Bob, another ordinary user of the same tenant. */
export const bobManager: SubscriptionManager = {
    owner: { kind: 'user', tenantId, objectId: 'oid-bob', appId: 'app-1' },
    administrator: false,
};
/** An app holding the Cancellations.Admin app role in `tenantId`. */
export const adminApp: SubscriptionManager = {
    owner: { kind: 'app', tenantId, objectId: 'oid-admin-app', appId: 'app-admin' },
    administrator: true,
};
/** The same object id as Alice's, in another tenant. */
export const otherTenantCreator: SubscriptionManager = {
    owner: { ...creator.owner, tenantId: otherTenantId },
    administrator: false,
};
export const t0 = new Date('2026-03-01T10:00:00.000Z');
export const hour = 3_600_000;

/** A service over an in-memory store, a settable clock and sequential ids. */
export function subscriptionFixture(settings: Partial<SubscriptionSettings> = {}) {
    const store = new MemorySubscriptionStore();
    const clock = { current: t0, now: () => clock.current };
    let next = 0;
    const targets: string[] = [];
    let refuse: string | undefined;
    const validateTarget: ValidateTarget = (url) => {
        targets.push(url);
        return refuse === undefined
            ? Promise.resolve()
            : Promise.reject(new BadRequestError('notificationUrlNotAllowed', refuse));
    };
    const service = new SubscriptionService({
        store,
        clock,
        newId: () => `sub-${++next}`,
        randomBytes: (size) => randomBytes(size),
        validateTarget,
        settings: { allowLoopback: false, secretGraceMs: 24 * hour, ...settings },
    });
    return {
        service,
        store,
        clock,
        targets,
        advance(ms: number) {
            clock.current = new Date(clock.current.getTime() + ms);
        },
        refuseTargets(reason: string | undefined) {
            refuse = reason;
        },
    };
}

export const validBody = {
    notificationUrl: 'https://hooks.example.com/cancel-gateway',
    eventTypes: ['event.cancelled'],
};
