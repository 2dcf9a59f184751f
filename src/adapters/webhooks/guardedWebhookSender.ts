import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import {
    type WebhookRequest,
    type WebhookResponse,
    type WebhookSender,
    WebhookTargetRefused,
    WebhookTransportError,
} from '../../domain/webhooks/sender';
import { dnsOf, type Resolver, resolveAllowedAddresses, type WebhookTarget, parseTargetUrl } from './targetRules';

export const webhookUserAgent = 'CancelGateway-Webhooks/1';
/** At most this many characters of the response body are kept. */
export const maxBodyExcerptChars = 512;

export interface GuardedWebhookSenderOptions {
    /** Development only: http and any port, to loopback addresses (127/8, ::1, names resolving only to them). */
    readonly allowLoopback: boolean;
    /** The whole attempt: DNS, connect, TLS, request and response head; the body read stops at it too. */
    readonly timeoutMs: number;
    /** The response body is read up to this many bytes, then the connection is closed. */
    readonly maxResponseBytes: number;
    readonly userAgent?: string | undefined;
    /** Name resolution at connect time; DNS through c-ares by default. */
    readonly resolve?: Resolver | undefined;
    /** A name that has not resolved by then fails the attempt (the attempt's own timeout bounds it too). */
    readonly dnsTimeoutMs?: number | undefined;
    /** Extra trusted CA certificates (PEM) for https, e.g. the development CA; the system's are used otherwise. */
    readonly ca?: string | Buffer | undefined;
    /** Wall clock, for `Retry-After` given as an HTTP date. */
    readonly now?: (() => number) | undefined;
}

/** Headers the sender sets itself; the caller's versions are dropped. */
const managedHeaders = new Set([
    'host',
    'content-length',
    'transfer-encoding',
    'connection',
    'keep-alive',
    'upgrade',
    'te',
    'trailer',
    'expect',
    'proxy-authorization',
    'proxy-connection',
    'user-agent',
]);

const httpDatePrefix = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds from `nowMs`: delay-seconds, or an HTTP date (a past date
 * gives 0). Undefined when absent or not understood.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
    if (value === undefined) return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text)) {
        const ms = Number(text) * 1000;
        return Number.isSafeInteger(ms) ? ms : undefined;
    }
    if (!httpDatePrefix.test(text)) return undefined;
    // asctime dates carry no zone but are GMT.
    const at = Date.parse(/\b(?:GMT|UTC)$/i.test(text) ? text : `${text} GMT`);
    return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function excerptOf(text: string): string {
    if (text.length <= maxBodyExcerptChars) return text;
    const cut = text.slice(0, maxBodyExcerptChars);
    // Do not end on half a surrogate pair.
    const last = cut.charCodeAt(cut.length - 1);
    return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

function transportError(error: unknown, url: string): Error {
    if (error instanceof WebhookTargetRefused || error instanceof WebhookTransportError) return error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const message = error instanceof Error ? error.message : String(error);
    return new WebhookTransportError(`webhook to ${url} failed: ${code === undefined ? '' : `${code} `}${message}`, {
        cause: error,
    });
}

/**
 * {@link WebhookSender} on node:http/node:https that refuses unsafe targets where it matters: at connect time, on
 * the addresses actually dialled. A host name is resolved by a custom `lookup` that fails the connection when any of
 * its addresses is forbidden (so a name that answers differently now than at registration, DNS rebinding, is still
 * caught); an IP-literal host is checked before connecting, as Node dials those without calling `lookup`. Each send
 * uses a fresh connection (no pooled socket from elsewhere), never follows a redirect (a 3xx is returned as the
 * response), is bounded by one timeout and reads at most `maxResponseBytes` of the body.
 */
export class GuardedWebhookSender implements WebhookSender {
    private readonly dns: { readonly resolve: Resolver; readonly dnsTimeoutMs: number };
    private readonly now: () => number;

    constructor(private readonly options: GuardedWebhookSenderOptions) {
        if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
            throw new RangeError('timeoutMs must be a positive number');
        }
        if (!(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes >= 0)) {
            throw new RangeError('maxResponseBytes must be a non-negative integer');
        }
        const { resolve, timeoutMs } = dnsOf(options);
        this.dns = { resolve, dnsTimeoutMs: timeoutMs };
        this.now = options.now ?? Date.now;
    }

    async send(request: WebhookRequest): Promise<WebhookResponse> {
        const started = performance.now();
        // Scheme, credentials, port, and an IP-literal host: refused before anything is opened.
        const target = parseTargetUrl(request.url, this.options);
        const body = Buffer.from(request.body, 'utf8');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
            if (!managedHeaders.has(name.toLowerCase())) headers[name] = value;
        }
        headers['user-agent'] = this.options.userAgent ?? webhookUserAgent;
        headers['content-length'] = String(body.length);

        const requestOptions: https.RequestOptions = {
            method: 'POST',
            host: target.host,
            port: target.port,
            path: `${target.url.pathname}${target.url.search}`,
            headers,
            // A one-off agent: no socket pooled by a request that was not checked, and nothing kept alive.
            agent: false,
            ...(target.ipLiteral ? {} : { lookup: this.guardedLookup(target) }),
            ...(target.protocol === 'https:' && this.options.ca !== undefined ? { ca: this.options.ca } : {}),
        };
        const shownUrl = `${target.protocol}//${target.url.host}${target.url.pathname}`;

        return new Promise<WebhookResponse>((resolve, reject) => {
            const req = (target.protocol === 'https:' ? https : http).request(requestOptions);
            let settled = false;
            let onTimeout = (): void => {
                fail(
                    new WebhookTransportError(
                        `webhook to ${shownUrl}: no response within ${this.options.timeoutMs} ms`,
                    ),
                );
            };
            const timer = setTimeout(() => onTimeout(), this.options.timeoutMs);
            const settle = (): boolean => {
                if (settled) return false;
                settled = true;
                clearTimeout(timer);
                req.destroy();
                return true;
            };
            const fail = (error: unknown): void => {
                if (settle()) reject(transportError(error, shownUrl));
            };

            req.on('error', fail);
            req.on('response', (res) => {
                const status = res.statusCode ?? 0;
                const retryAfter = res.headers['retry-after'];
                const decoder = new StringDecoder('utf8');
                let text = '';
                let received = 0;
                const done = (complete = false): void => {
                    if (!settle()) return;
                    res.destroy();
                    // A cut-off body may end inside a character: drop that half rather than show a U+FFFD.
                    if (complete && text.length < maxBodyExcerptChars) text += decoder.end();
                    const retryAfterMs = parseRetryAfter(retryAfter, this.now());
                    resolve({
                        status,
                        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
                        bodyExcerpt: excerptOf(text),
                        durationMs: Math.round(performance.now() - started),
                    });
                };
                // An answer was had: from now on a timeout, reset or the cap ends the body, not the attempt.
                onTimeout = () => done();
                req.off('error', fail);
                req.on('error', () => done());
                res.on('data', (chunk: Buffer) => {
                    const room = this.options.maxResponseBytes - received;
                    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
                    received += kept.length;
                    if (text.length < maxBodyExcerptChars) text += decoder.write(kept);
                    if (received >= this.options.maxResponseBytes) done();
                });
                res.on('end', () => done(true));
                res.on('error', () => done());
                res.on('close', () => done());
                if (this.options.maxResponseBytes === 0) done();
            });
            req.end(body);
        });
    }

    /**
     * The connect-time check: resolves the name, fails the connection with {@link WebhookTargetRefused} if any address
     * is forbidden, and otherwise hands Node exactly the addresses that were checked.
     */
    private guardedLookup(target: WebhookTarget): LookupFunction {
        return (hostname: string, options: LookupOptions, callback) => {
            const checked =
                hostname === target.host
                    ? resolveAllowedAddresses(target, this.dns, this.options)
                    : Promise.reject(new WebhookTargetRefused(`unexpected lookup of ${hostname}`));
            checked.then(
                (addresses) => {
                    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
                    const usable: LookupAddress[] = addresses
                        .filter((entry) => wanted === undefined || entry.family === wanted)
                        .map(({ address, family }) => ({ address, family }));
                    const first = usable[0];
                    if (first === undefined) {
                        const error: NodeJS.ErrnoException = new Error(`${hostname} has no IPv${wanted} address`);
                        error.code = 'ENOTFOUND';
                        callback(error, '');
                    } else if (options.all === true) {
                        callback(null, usable);
                    } else {
                        callback(null, first.address, first.family);
                    }
                },
                (error: unknown) => callback(error as NodeJS.ErrnoException, ''),
            );
        };
    }
}
