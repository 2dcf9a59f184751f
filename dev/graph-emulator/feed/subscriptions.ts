import { GraphError } from '../errors';
import { newGuid } from '../ids';
import { parseInstant } from '../time';
import { postToReceiver } from './outbound';

/** Graph's current subscription table: Outlook events live at most 10,080 minutes (older pages: 4,230). VERIFY. */
export const maxEventSubscriptionMinutes = 10_080;
/** Graph waits this long for the validation handshake's answer. */
export const validationTimeoutMs = 10_000;
/** Longest `clientState` Graph accepts (the subscription page; the changeNotification page says 255). VERIFY. */
export const maxClientStateChars = 128;

export type ChangeType = 'created' | 'updated' | 'deleted';
const changeTypes: readonly ChangeType[] = ['created', 'updated', 'deleted'];

/** Parsed body of `POST /subscriptions`, before the mailbox is resolved and the handshake made. */
export interface SubscriptionRequest {
    /** `resource` as the client sent it. */
    resource: string;
    changeType: string;
    changeTypes: ReadonlySet<ChangeType>;
    notificationUrl: string;
    lifecycleNotificationUrl: string | null;
    clientState: string | null;
    expirationMs: number;
}

/** One Graph subscription on a mailbox's events, owned by the app that created it. */
export interface Subscription extends SubscriptionRequest {
    id: string;
    /** The app (token `appid`/`azp`) that created it: only it sees and manages it. */
    appId: string;
    /** Delegated creator's object id, else the app's service principal stand-in (the app id). */
    creatorId: string;
    /** The watched mailbox's object id. */
    mailboxId: string;
    /** Created with `Prefer: IdType="ImmutableId"`: notifications carry immutable ids. */
    immutableIds: boolean;
    tenantId: string;
}

const invalidRequest = (message: string): GraphError => new GraphError(400, 'InvalidRequest', message);

function requiredString(body: Record<string, unknown>, name: string): string {
    const value = body[name];
    if (typeof value !== 'string' || value.trim() === '') {
        throw invalidRequest(`The property '${name}' is required and must be a non-empty string.`);
    }
    return value;
}

function parseChangeTypes(text: string): ReadonlySet<ChangeType> {
    const parts = text.split(',').map((p) => p.trim());
    const set = new Set<ChangeType>();
    for (const part of parts) {
        const known = changeTypes.find((c) => c === part.toLowerCase());
        if (!known) throw invalidRequest(`'${part}' is not a valid change type; use created, updated and deleted.`);
        set.add(known);
    }
    return set;
}

/** The notification URLs must be absolute https URLs (Graph refuses http). VERIFY message. */
function httpsUrl(name: string, text: string): string {
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        throw invalidRequest(`The property '${name}' must be an absolute URL.`);
    }
    if (url.protocol !== 'https:') {
        throw new GraphError(
            400,
            'ValidationError',
            `Subscription validation request failed. '${name}' must use https.`,
        );
    }
    return text;
}

/** Graph's answer when the expiration is beyond the resource's limit (message seen from Graph with 4230). */
export function checkExpiration(expirationMs: number, nowMs: number): void {
    if (expirationMs <= nowMs) {
        throw new GraphError(400, 'ExtensionError', 'Subscription expiration can only be in the future.');
    }
    if (expirationMs > nowMs + maxEventSubscriptionMinutes * 60_000) {
        throw new GraphError(
            400,
            'ExtensionError',
            `Subscription expiration can only be ${maxEventSubscriptionMinutes} minutes in the future.`,
        );
    }
}

export function readExpiration(body: Record<string, unknown>): number {
    const text = requiredString(body, 'expirationDateTime');
    const ms = parseInstant(text);
    if (ms === undefined) throw invalidRequest(`'${text}' is not a valid expirationDateTime.`);
    return ms;
}

/** Checks a create body the way Graph does before the handshake (limits against `nowMs`). */
export function readSubscriptionRequest(body: Record<string, unknown>, nowMs: number): SubscriptionRequest {
    const changeType = requiredString(body, 'changeType');
    const resource = requiredString(body, 'resource');
    const notificationUrl = httpsUrl('notificationUrl', requiredString(body, 'notificationUrl'));
    const lifecycle = body.lifecycleNotificationUrl;
    if (lifecycle !== undefined && lifecycle !== null && typeof lifecycle !== 'string') {
        throw invalidRequest("The property 'lifecycleNotificationUrl' must be a string.");
    }
    const clientState = body.clientState;
    if (clientState !== undefined && clientState !== null && typeof clientState !== 'string') {
        throw invalidRequest("The property 'clientState' must be a string.");
    }
    if (typeof clientState === 'string' && clientState.length > maxClientStateChars) {
        throw invalidRequest(`clientState must be at most ${maxClientStateChars} characters long.`);
    }
    const expirationMs = readExpiration(body);
    checkExpiration(expirationMs, nowMs);
    return {
        resource,
        changeType,
        changeTypes: parseChangeTypes(changeType),
        notificationUrl,
        lifecycleNotificationUrl:
            typeof lifecycle === 'string' ? httpsUrl('lifecycleNotificationUrl', lifecycle) : null,
        clientState: typeof clientState === 'string' ? clientState : null,
        expirationMs,
    };
}

/**
 * The mailbox reference in `/users/{id}/events` or `/me/events` (leading slash optional, case-insensitive); Graph's
 * other Outlook resources are not emulated.
 */
export function eventsResourceOwner(resource: string): { kind: 'me' } | { kind: 'user'; ref: string } {
    const segs =
        resource
            .split('?')[0]
            ?.split('/')
            .filter((s) => s.length > 0) ?? [];
    const lower = segs.map((s) => s.toLowerCase());
    if (lower.length === 2 && lower[0] === 'me' && lower[1] === 'events') return { kind: 'me' };
    const ref = segs[1];
    if (lower.length === 3 && lower[0] === 'users' && lower[2] === 'events' && ref !== undefined) {
        return { kind: 'user', ref: decodeURIComponent(ref) };
    }
    throw new GraphError(
        400,
        'ExtensionError',
        `Operation: Create; Exception: [Status Code: BadRequest; Reason: The resource '${resource}' is not supported (the emulator serves /users/{id}/events and /me/events).]`,
    );
}

/** `url?validationToken=…` (or `&` when the URL has a query: Graph keeps it). */
function withValidationToken(url: string, token: string): URL {
    const target = new URL(url);
    target.searchParams.append('validationToken', token);
    return target;
}

/**
 * Graph's validation handshake: POST `url?validationToken=…` (text/plain, empty body) and expect, within 10 s, 200
 * with the token itself as the body. Otherwise Graph's 400 (code and messages as reported by users; VERIFY).
 */
export async function validateEndpoint(url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${newGuid()}`;
    const result = await postToReceiver(
        withValidationToken(url, token),
        '',
        'text/plain; charset=utf-8',
        validationTimeoutMs,
    );
    if (result.kind === 'failed') {
        throw new GraphError(
            400,
            'ValidationError',
            `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (${result.error})`,
        );
    }
    if (result.status !== 200) {
        throw new GraphError(
            400,
            'ValidationError',
            'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
        );
    }
    if (result.body !== token) {
        throw new GraphError(
            400,
            'ValidationError',
            'Subscription validation request failed. Response must exactly match validationToken query parameter.',
        );
    }
}

/** An instant with Graph's seven fraction digits, keeping the milliseconds a client sent. */
export function preciseInstant(ms: number): string {
    return `${new Date(ms).toISOString().slice(0, 23)}0000Z`;
}

/** The subscription as Graph returns it (`@odata.context` added by the route). */
export function subscriptionWire(s: Subscription): Record<string, unknown> {
    return {
        id: s.id,
        resource: s.resource,
        applicationId: s.appId,
        changeType: s.changeType,
        clientState: s.clientState,
        notificationUrl: s.notificationUrl,
        notificationQueryOptions: null,
        lifecycleNotificationUrl: s.lifecycleNotificationUrl,
        expirationDateTime: preciseInstant(s.expirationMs),
        creatorId: s.creatorId,
        includeResourceData: false,
        latestSupportedTlsVersion: 'v1_2',
        encryptionCertificate: null,
        encryptionCertificateId: null,
        notificationUrlAppId: null,
    };
}

/** Every subscription of the emulator; expired ones count as gone (Graph deletes them). */
export class SubscriptionStore {
    private readonly byId = new Map<string, Subscription>();

    constructor(private readonly nowMs: () => number) {}

    add(subscription: Subscription): void {
        this.byId.set(subscription.id, subscription);
    }

    /** A live (unexpired) subscription by id, whoever owns it. */
    find(id: string): Subscription | undefined {
        const s = this.byId.get(id.toLowerCase());
        if (!s) return undefined;
        if (s.expirationMs <= this.nowMs()) {
            this.byId.delete(s.id);
            return undefined;
        }
        return s;
    }

    remove(id: string): boolean {
        return this.byId.delete(id.toLowerCase());
    }

    /** Live subscriptions, optionally of one app or one mailbox. */
    live(filter: { appId?: string; mailboxId?: string } = {}): Subscription[] {
        return [...this.byId.values()].filter(
            (s) =>
                this.find(s.id) !== undefined &&
                (filter.appId === undefined || s.appId.toLowerCase() === filter.appId.toLowerCase()) &&
                (filter.mailboxId === undefined || s.mailboxId === filter.mailboxId),
        );
    }

    clear(): void {
        this.byId.clear();
    }

    /** A new subscription id (a GUID, lower case). */
    static newId(): string {
        return newGuid();
    }
}
