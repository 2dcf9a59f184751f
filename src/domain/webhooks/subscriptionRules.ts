import { BadRequestError } from '../../errors/appError';
import { type CancellationOrigin, cancellationOrigins } from '../cancellation/record';
import { notificationEventTypes, type NotificationEventType } from '../notifications/notificationMessage';
import { classifyHost } from '../../net/addressClassification';
import { subscriptionScopes, type SubscriptionScope } from './subscription';

export const maxNotificationUrlLength = 2048;
export const maxClientStateLength = 128;
export const maxDescriptionLength = 256;

/** What a caller may give when creating a subscription, after validation. */
export interface CreateSubscriptionInput {
    readonly notificationUrl: string;
    readonly eventTypes: readonly NotificationEventType[];
    readonly clientState?: string | undefined;
    readonly description?: string | undefined;
    /** Absent: the default for the caller (tenant-wide for administrators, the owner's records otherwise). */
    readonly scope?: SubscriptionScope | undefined;
    /** Absent: every origin. */
    readonly origins?: readonly CancellationOrigin[] | undefined;
}

/** What a caller may change (`PATCH`); `null` clears `clientState` or `description`. */
export interface UpdateSubscriptionInput {
    readonly enabled?: boolean | undefined;
    readonly clientState?: string | null | undefined;
    readonly description?: string | null | undefined;
}

export interface UrlRules {
    /** Development only: `http:` to a loopback host is accepted too. */
    readonly allowLoopback: boolean;
}

const createProperties = new Set(['notificationUrl', 'eventTypes', 'clientState', 'description', 'scope', 'origins']);
const updateProperties = new Set(['enabled', 'clientState', 'description']);
/** Properties of the view that a PATCH cannot change. */
const readOnlyProperties = new Set([
    'id',
    'notificationUrl',
    'eventTypes',
    'scope',
    'origins',
    'disabledReason',
    'createdDateTime',
    'lastModifiedDateTime',
    'secret',
]);

// eslint-disable-next-line no-control-regex -- control characters, whitespace and `\` (read as `/`) are refused
const urlForbidden = /[\s\\\u0000-\u001f\u007f]/u;
const printableAscii = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what a description may not hold
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

function invalid(code: string, message: string): BadRequestError {
    return new BadRequestError(code, message);
}

function refuseUnknown(body: Readonly<Record<string, unknown>>, allowed: ReadonlySet<string>, what: string): void {
    for (const key of Object.keys(body)) {
        if (allowed.has(key)) continue;
        if (what === 'update' && readOnlyProperties.has(key)) {
            throw invalid('readOnlyProperty', `The property '${key}' cannot be changed; create a new subscription.`);
        }
        throw invalid(
            'unknownProperty',
            `The property '${key.slice(0, 100)}' is not a valid property of a subscription ${what} request.`,
        );
    }
}

/** Whether a URL's host is a loopback name or address (as the WHATWG parser normalized it), by the shared rules. */
export function isLoopbackHost(hostname: string): boolean {
    return classifyHost(hostname).category === 'loopback';
}

/**
 * The shape rules for a notification URL: a string of at most {@link maxNotificationUrlLength} characters with no
 * whitespace or control characters that parses as an absolute URL, without credentials or a fragment, `https:`
 * (or `http:` to a loopback host when {@link UrlRules.allowLoopback}). Address rules (private ranges, DNS) are
 * the `validateTarget` port's and the sender's.
 */
export function checkNotificationUrl(value: unknown, rules: UrlRules): URL {
    if (typeof value !== 'string' || value === '') {
        throw invalid('invalidNotificationUrl', "'notificationUrl' is required and must be a string.");
    }
    if (value.length > maxNotificationUrlLength) {
        throw invalid(
            'invalidNotificationUrl',
            `'notificationUrl' is longer than ${maxNotificationUrlLength} characters.`,
        );
    }
    if (urlForbidden.test(value)) {
        throw invalid(
            'invalidNotificationUrl',
            "'notificationUrl' must not contain whitespace, backslashes or control characters.",
        );
    }
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw invalid('invalidNotificationUrl', "'notificationUrl' must be an absolute URL (https://host/path).");
    }
    const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value)?.[1] ?? '';
    if (url.username !== '' || url.password !== '' || authority.includes('@')) {
        throw invalid('invalidNotificationUrl', "'notificationUrl' must not contain credentials (user:password@).");
    }
    if (value.includes('#')) {
        throw invalid('invalidNotificationUrl', "'notificationUrl' must not contain a fragment (#…).");
    }
    if (url.protocol === 'https:') {
        if (url.hostname === '') throw invalid('invalidNotificationUrl', "'notificationUrl' must name a host.");
        return url;
    }
    if (url.protocol === 'http:') {
        if (rules.allowLoopback && isLoopbackHost(url.hostname)) return url;
        throw invalid(
            'invalidNotificationUrl',
            rules.allowLoopback
                ? "'notificationUrl' must use https (http is allowed only to a loopback host in development)."
                : "'notificationUrl' must use https.",
        );
    }
    throw invalid('invalidNotificationUrl', `'notificationUrl' must use https, not '${url.protocol.slice(0, 20)}'.`);
}

/** The form two URLs are compared in for duplicates: the parser's (lower-case scheme and host, default port gone). */
export function comparableUrl(value: string): string {
    try {
        return new URL(value).href;
    } catch {
        return value;
    }
}

function describeKind(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
    return typeof value === 'object' ? 'an object' : typeof value;
}

function checkEventTypes(value: unknown): NotificationEventType[] {
    if (!Array.isArray(value) || value.length === 0) {
        throw invalid(
            'invalidEventTypes',
            `'eventTypes' must be a non-empty array of: ${notificationEventTypes.join(', ')}.`,
        );
    }
    const known = new Set<string>(notificationEventTypes);
    const seen = new Set<string>();
    for (const item of value as unknown[]) {
        if (typeof item !== 'string' || !known.has(item)) {
            // Described, never serialized: an item can be nested deeper than JSON.stringify's stack allows.
            const shown = typeof item === 'string' ? `'${item.slice(0, 100)}'` : describeKind(item);
            throw invalid(
                'invalidEventTypes',
                `Unknown event type ${shown}. Known types: ${notificationEventTypes.join(', ')}.`,
            );
        }
        if (seen.has(item)) throw invalid('invalidEventTypes', `Event type '${item}' is listed more than once.`);
        seen.add(item);
    }
    return [...seen] as NotificationEventType[];
}

function checkClientState(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > maxClientStateLength) {
        throw invalid(
            'invalidClientState',
            `'clientState' must be a string of 1 to ${maxClientStateLength} characters.`,
        );
    }
    if (!printableAscii.test(value)) {
        throw invalid('invalidClientState', "'clientState' may hold printable ASCII characters only.");
    }
    return value;
}

function checkDescription(value: unknown): string {
    if (typeof value !== 'string' || [...value].length > maxDescriptionLength) {
        throw invalid(
            'invalidDescription',
            `'description' must be a string of at most ${maxDescriptionLength} characters.`,
        );
    }
    if (controlCharacters.test(value)) {
        throw invalid('invalidDescription', "'description' must not contain control characters.");
    }
    return value;
}

function checkScope(value: unknown): SubscriptionScope {
    if (!(subscriptionScopes as readonly unknown[]).includes(value)) {
        throw invalid('invalidScope', `'scope' must be one of: ${subscriptionScopes.join(', ')}.`);
    }
    return value as SubscriptionScope;
}

function checkOrigins(value: unknown): CancellationOrigin[] {
    const known = new Set<unknown>(cancellationOrigins);
    if (!Array.isArray(value) || value.length === 0 || !value.every((item) => known.has(item))) {
        throw invalid('invalidOrigins', `'origins' must be a non-empty array of: ${cancellationOrigins.join(', ')}.`);
    }
    return [...new Set(value as CancellationOrigin[])];
}

/** Validates a create request body; a missing or `null` optional property is absent. */
export function parseCreateInput(body: Readonly<Record<string, unknown>>, rules: UrlRules): CreateSubscriptionInput {
    refuseUnknown(body, createProperties, 'create');
    checkNotificationUrl(body.notificationUrl, rules);
    return {
        notificationUrl: body.notificationUrl as string,
        eventTypes: checkEventTypes(body.eventTypes),
        clientState: body.clientState == null ? undefined : checkClientState(body.clientState),
        description: body.description == null ? undefined : checkDescription(body.description),
        scope: body.scope == null ? undefined : checkScope(body.scope),
        origins: body.origins == null ? undefined : checkOrigins(body.origins),
    };
}

/** Validates a `PATCH` body: `enabled`, `clientState` and `description` (`null` clears the last two). */
export function parseUpdateInput(body: Readonly<Record<string, unknown>>): UpdateSubscriptionInput {
    refuseUnknown(body, updateProperties, 'update');
    if ('enabled' in body && typeof body.enabled !== 'boolean') {
        throw invalid('invalidEnabled', "'enabled' must be true or false.");
    }
    return {
        enabled: body.enabled as boolean | undefined,
        clientState:
            body.clientState === null ? null : 'clientState' in body ? checkClientState(body.clientState) : undefined,
        description:
            body.description === null ? null : 'description' in body ? checkDescription(body.description) : undefined,
    };
}
