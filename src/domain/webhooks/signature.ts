import { createHmac } from 'node:crypto';
import { secretPrefix } from './signingSecret';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-signature` is a space-separated list of
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per active secret, so a receiver keeps verifying
 * while a secret is rotated. A secret is `whsec_` + base64 of the raw key bytes.
 */

const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface WebhookSigningInput {
    /** `webhook-id`: stable across retries of one delivery (the receiver's dedupe key). */
    readonly id: string;
    /** `webhook-timestamp`: unix seconds of this attempt. */
    readonly timestampSeconds: number;
    /** The exact request body that is sent. */
    readonly body: string;
    /** `whsec_…` secrets, current first; each produces one signature. */
    readonly secrets: readonly string[];
}

/** A type alias, not an interface, so it is assignable to `Record<string, string>` (a request's headers). */
export type WebhookHeaders = {
    readonly 'webhook-id': string;
    readonly 'webhook-timestamp': string;
    readonly 'webhook-signature': string;
    readonly 'content-type': 'application/json';
};

/** The key bytes of a `whsec_` secret; throws a TypeError on anything else. */
export function signingKey(secret: string): Buffer {
    const encoded = secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : '';
    if (encoded === '' || !base64Pattern.test(encoded)) {
        throw new TypeError('a signing secret is "whsec_" followed by base64');
    }
    return Buffer.from(encoded, 'base64');
}

function assertSignable(input: WebhookSigningInput): void {
    if (!/^[\x21-\x7e]+$/.test(input.id)) {
        // It travels in a header and starts the signed string: visible ASCII only.
        throw new TypeError('webhook id must be non-empty visible ASCII');
    }
    if (!Number.isSafeInteger(input.timestampSeconds) || input.timestampSeconds < 0) {
        throw new TypeError('webhook timestamp must be a non-negative integer of unix seconds');
    }
    if (input.secrets.length === 0) throw new TypeError('at least one signing secret is needed');
}

/** The `webhook-signature` header value: `v1,<base64>` per secret, space-separated, in the order given. */
export function signWebhook(input: WebhookSigningInput): string {
    assertSignable(input);
    const signed = `${input.id}.${input.timestampSeconds}.${input.body}`;
    return input.secrets
        .map((secret) => `v1,${createHmac('sha256', signingKey(secret)).update(signed, 'utf8').digest('base64')}`)
        .join(' ');
}

/** The Standard Webhooks headers for one attempt, plus the JSON content type. */
export function webhookHeaders(input: WebhookSigningInput): WebhookHeaders {
    return {
        'webhook-id': input.id,
        'webhook-timestamp': String(input.timestampSeconds),
        'webhook-signature': signWebhook(input),
        'content-type': 'application/json',
    };
}
