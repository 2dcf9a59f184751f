import { administratorRole } from '../access/permissions';
import { AppError, BadRequestError, ForbiddenError, NotFoundError } from '../../errors/appError';
import type { Clock } from '../ports/clock';
import { newSigningSecret, type RandomBytes, rotateSecrets } from './signingSecret';
import type { Subscription, SubscriptionStore } from './subscription';
import { mayManageSubscription, type SubscriptionManager } from './subscriptionAccess';
import { comparableUrl, parseCreateInput, parseUpdateInput } from './subscriptionRules';
import { ConcurrencyConflict, type Stored } from '../shared/stored';

/**
 * Checks where a notification URL points (DNS, private and metadata ranges…) and throws an AppError 400 saying
 * why it is refused. The shape rules ({@link parseCreateInput}) have already passed when it is called.
 */
export type ValidateTarget = (url: string) => Promise<void>;

export interface SubscriptionSettings {
    /** Development only: `http:` to loopback hosts is accepted. */
    readonly allowLoopback: boolean;
    /** How long a rotated-out secret keeps signing. */
    readonly secretGraceMs: number;
    /** Subscriptions one tenant may have; defaults to {@link defaultMaxPerTenant}. */
    readonly maxPerTenant?: number | undefined;
}

export interface SubscriptionServiceDeps {
    readonly store: SubscriptionStore;
    readonly clock: Clock;
    readonly newId: () => string;
    readonly randomBytes: RandomBytes;
    readonly validateTarget: ValidateTarget;
    readonly settings: SubscriptionSettings;
}

export interface CreatedSubscription {
    readonly subscription: Subscription;
    /** The signing secret, handed out once. */
    readonly secret: string;
}

export interface RotatedSecret {
    readonly subscription: Subscription;
    readonly secret: string;
    /** Until when the previous secret still signs (ISO 8601 UTC). */
    readonly previousSecretExpiresAt: string;
}

export const defaultMaxPerTenant = 100;
/** Read-modify-write rounds before a change under constant contention gives up with 409. */
const maxRounds = 5;

/**
 * Webhook subscriptions of a tenant: create (validated, with a fresh `whsec_` secret), list, get, delete, rotate the
 * secret with a grace window, and enable/disable. Every operation is scoped to the manager's tenant and, unless the
 * manager is an administrator, to the subscriptions they own: any other does not exist for them (404, as an unknown
 * id), so ids reveal nothing.
 */
export class SubscriptionService {
    constructor(private readonly deps: SubscriptionServiceDeps) {}

    /** Validates `body` (a JSON object as the caller sent it) and stores a new, enabled subscription. */
    async create(manager: SubscriptionManager, body: Readonly<Record<string, unknown>>): Promise<CreatedSubscription> {
        const { settings } = this.deps;
        const { tenantId } = manager.owner;
        const input = parseCreateInput(body, { allowLoopback: settings.allowLoopback });
        if (input.scope === 'tenant' && !manager.administrator) {
            throw new ForbiddenError(
                "Access is denied. A subscription with scope 'tenant' receives every record of the tenant and needs " +
                    `the app role ${administratorRole}; without it a subscription receives your own records only.`,
            );
        }
        const existing = await this.deps.store.list(tenantId);
        const url = comparableUrl(input.notificationUrl);
        // Only among the manager's own: another user's subscription to the same URL is theirs to know about.
        const duplicate = existing
            .filter((other) => mayManageSubscription(manager, other))
            .find(
                (other) =>
                    comparableUrl(other.notificationUrl) === url &&
                    other.eventTypes.some((type) => input.eventTypes.includes(type)) &&
                    originsOverlap(other.origins, input.origins),
            );
        if (duplicate) {
            throw new BadRequestError(
                'duplicateSubscription',
                `Subscription '${duplicate.id}' already sends ${duplicate.eventTypes
                    .filter((type) => input.eventTypes.includes(type))
                    .join(', ')} to this notificationUrl. Update or delete it instead.`,
            );
        }
        const limit = settings.maxPerTenant ?? defaultMaxPerTenant;
        if (existing.length >= limit) {
            throw new BadRequestError(
                'subscriptionLimitReached',
                `The tenant already has ${existing.length} subscriptions, the most allowed (${limit}).`,
            );
        }
        await this.deps.validateTarget(input.notificationUrl);

        const now = this.deps.clock.now();
        const secret = newSigningSecret(this.deps.randomBytes, now);
        const subscription: Subscription = {
            id: this.deps.newId(),
            tenantId,
            notificationUrl: input.notificationUrl,
            eventTypes: input.eventTypes,
            clientState: input.clientState,
            description: input.description,
            enabled: true,
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
            owner: manager.owner,
            scope: input.scope ?? (manager.administrator ? 'tenant' : 'owner'),
            origins: input.origins,
            secrets: [secret],
        };
        const stored = await this.deps.store.create(subscription);
        return { subscription: stored.value, secret: secret.secret };
    }

    /** The subscriptions the manager may see (an administrator's: the tenant's), oldest first. */
    async list(manager: SubscriptionManager): Promise<readonly Subscription[]> {
        const all = await this.deps.store.list(manager.owner.tenantId);
        return all
            .filter((subscription) => mayManageSubscription(manager, subscription))
            .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    }

    async get(manager: SubscriptionManager, id: string): Promise<Subscription> {
        return (await this.read(manager, id)).value;
    }

    /** Deletes it; 404 when the manager has no such subscription. */
    async delete(manager: SubscriptionManager, id: string): Promise<void> {
        await this.read(manager, id);
        await this.deps.store.delete(manager.owner.tenantId, id);
    }

    /**
     * A new secret signs first; the previous one keeps signing until `now + secretGraceMs` (both signatures are
     * sent meanwhile), and secrets whose grace has run out are dropped.
     */
    async rotateSecret(manager: SubscriptionManager, id: string): Promise<RotatedSecret> {
        let result: { secret: string; previousSecretExpiresAt: string } | undefined;
        const subscription = await this.change(manager, id, (current, now) => {
            const fresh = newSigningSecret(this.deps.randomBytes, now);
            const rotated = rotateSecrets(current.secrets, fresh, now, this.deps.settings.secretGraceMs);
            result = { secret: fresh.secret, previousSecretExpiresAt: rotated.previousExpiresAt };
            return { ...current, secrets: rotated.secrets };
        });
        if (!result) throw new Error('rotation did not run');
        return { subscription, ...result };
    }

    /**
     * Applies a `PATCH` body: `enabled: false` disables with reason `manual` (one disabled for another reason keeps
     * it); `enabled: true` enables and clears the reason and the failure run; `clientState`/`description` change,
     * `null` clears them. An empty body changes nothing.
     */
    async update(
        manager: SubscriptionManager,
        id: string,
        body: Readonly<Record<string, unknown>>,
    ): Promise<Subscription> {
        const input = parseUpdateInput(body);
        if (input.enabled === undefined && input.clientState === undefined && input.description === undefined) {
            return this.get(manager, id);
        }
        return this.change(manager, id, (current) => {
            let next: Subscription = { ...current };
            if (input.enabled === true) {
                next = { ...next, enabled: true, disabledReason: undefined, failingSince: undefined };
            } else if (input.enabled === false && current.enabled) {
                next = { ...next, enabled: false, disabledReason: 'manual' };
            }
            if (input.clientState !== undefined) next = { ...next, clientState: input.clientState ?? undefined };
            if (input.description !== undefined) next = { ...next, description: input.description ?? undefined };
            return next;
        });
    }

    /** Shorthands for {@link update}. */
    enable(manager: SubscriptionManager, id: string): Promise<Subscription> {
        return this.update(manager, id, { enabled: true });
    }

    disable(manager: SubscriptionManager, id: string): Promise<Subscription> {
        return this.update(manager, id, { enabled: false });
    }

    /** The subscription if the manager may see it; 404 otherwise, the same answer as for an unknown id. */
    private async read(manager: SubscriptionManager, id: string): Promise<Stored<Subscription>> {
        const stored = await this.deps.store.get(manager.owner.tenantId, id);
        if (!stored || !mayManageSubscription(manager, stored.value)) {
            throw new NotFoundError(`Subscription '${id}' was not found.`, 'itemNotFound');
        }
        return stored;
    }

    /** Read, change, write with the ETag; another writer in between means reading again. */
    private async change(
        manager: SubscriptionManager,
        id: string,
        apply: (current: Subscription, now: Date) => Subscription,
    ): Promise<Subscription> {
        for (let round = 0; round < maxRounds; round++) {
            const stored = await this.read(manager, id);
            const now = this.deps.clock.now();
            const next: Subscription = { ...apply(stored.value, now), updatedAt: now.toISOString() };
            try {
                return (await this.deps.store.update(next, stored.etag)).value;
            } catch (error) {
                if (!(error instanceof ConcurrencyConflict)) throw error;
            }
        }
        throw new AppError(409, 'conflict', `Subscription '${id}' kept changing; retry the request.`);
    }
}

/** Whether two `origins` filters let a common origin through (absent: every origin). */
function originsOverlap(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
    return a === undefined || b === undefined || a.some((origin) => b.includes(origin));
}
