/**
 * How long a webhook host name may take to resolve unless configured (`WEBHOOK_DNS_TIMEOUT_MS`). On its own so the
 * settings schema (loaded when the worker starts) reads the default without loading the webhook sender.
 */
export const defaultDnsTimeoutMs = 5_000;
