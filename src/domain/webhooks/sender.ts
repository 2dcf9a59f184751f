/** One webhook POST as the delivery pipeline asks for it. */
export interface WebhookRequest {
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
}

/** What the endpoint answered (the body is read up to a cap and only kept as a short excerpt). */
export interface WebhookResponse {
    readonly status: number;
    readonly retryAfterMs?: number | undefined;
    readonly bodyExcerpt: string;
    readonly durationMs: number;
}

/**
 * Sends webhooks to the outside world. Implementations refuse unsafe targets (SSRF) at connect time, follow no
 * redirects, bound the time and the response size, and throw {@link WebhookTargetRefused} or
 * {@link WebhookTransportError} instead of answering when no HTTP response was had.
 */
export interface WebhookSender {
    send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** The target is not allowed (scheme, port, or an address in a private, loopback, link-local… range). */
export class WebhookTargetRefused extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'WebhookTargetRefused';
    }
}

/** No HTTP response: DNS failure, connection refused or reset, TLS failure, timeout. */
export class WebhookTransportError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = 'WebhookTransportError';
    }
}
