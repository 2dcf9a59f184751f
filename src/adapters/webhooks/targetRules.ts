import { isIP } from 'node:net';
import { WebhookTargetRefused, WebhookTransportError } from '../../domain/webhooks/sender';
import { classifyAddress } from '../../net/addressClassification';
import { defaultDnsTimeoutMs } from './dnsTimeout';
import { dnsResolver } from './dnsResolver';
import { type AddressPolicy, describeVerdict, isAddressAllowed } from './ssrfPolicy';

/** One address a host name resolved to. */
export interface ResolvedAddress {
    readonly address: string;
    readonly family: number;
}

/**
 * Resolves a host name to all its addresses (A and AAAA); `signal` aborts when the lookup is given up. Injected in
 * tests so no real DNS is asked.
 */
export type Resolver = (hostname: string, signal: AbortSignal) => Promise<readonly ResolvedAddress[]>;

export { defaultDnsTimeoutMs };

/** How a webhook host name is resolved. */
export interface DnsOptions {
    /** The resolver; {@link dnsResolver} (c-ares, not the thread pool) by default. */
    readonly resolve?: Resolver | undefined;
    /** A name that has not resolved by then counts as a DNS failure, whatever the resolver is doing. */
    readonly dnsTimeoutMs?: number | undefined;
}

export interface TargetRuleOptions extends AddressPolicy, DnsOptions {}

/** The resolver and bound `options` name, with their defaults. */
export function dnsOf(options: DnsOptions): { resolve: Resolver; timeoutMs: number } {
    const timeoutMs = options.dnsTimeoutMs ?? defaultDnsTimeoutMs;
    return { resolve: options.resolve ?? dnsResolver({ timeoutMs }), timeoutMs };
}

/** A webhook URL that passed the checks that need no DNS. */
export interface WebhookTarget {
    readonly url: URL;
    readonly protocol: 'https:' | 'http:';
    /** Host name or IP address, without the brackets of an IPv6 literal. */
    readonly host: string;
    readonly port: number;
    /** The host is an IP address: nothing is resolved, so it is checked here (a connection never calls `lookup`). */
    readonly ipLiteral: boolean;
    /** Plain http or a port other than 443, allowed in development only and only to loopback addresses. */
    readonly loopbackOnly: boolean;
}

export interface AllowedTarget extends WebhookTarget {
    /** Every address the host resolved to, each of them allowed. */
    readonly addresses: readonly ResolvedAddress[];
}

const notFoundCodes = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

function refuse(url: string, reason: string): never {
    throw new WebhookTargetRefused(`webhook target ${url} refused: ${reason}`);
}

/**
 * Checks a webhook URL without DNS: https (http only with `allowLoopback`), no credentials, port 443 (any port with
 * `allowLoopback`, then to loopback only) and, when the host is an IP address, the address itself. Throws
 * {@link WebhookTargetRefused}. Host names still need {@link assertAllowedAddress} on every address they resolve to.
 */
export function parseTargetUrl(input: string | URL, policy: AddressPolicy): WebhookTarget {
    let url: URL;
    try {
        url = new URL(input);
    } catch {
        return refuse(String(input), 'not an absolute URL');
    }
    // The URL without credentials, for messages.
    const shown = `${url.protocol}//${url.host}${url.pathname}`;
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return refuse(shown, 'only https is allowed');
    if (url.protocol === 'http:' && !policy.allowLoopback) return refuse(shown, 'only https is allowed');
    if (url.username !== '' || url.password !== '') return refuse(shown, 'credentials in the URL are not allowed');
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (host === '') return refuse(shown, 'no host');
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    if (port !== 443 && !policy.allowLoopback) return refuse(shown, 'only port 443 is allowed');
    const target: WebhookTarget = {
        url,
        protocol: url.protocol,
        host,
        port,
        ipLiteral: isIP(host) !== 0,
        loopbackOnly: url.protocol === 'http:' || port !== 443,
    };
    if (target.ipLiteral) assertAllowedAddress(host, target, policy);
    return target;
}

/**
 * Throws {@link WebhookTargetRefused} unless the target may be reached at `address`. An address a name resolved to
 * is never shown: which private address a name points at is not the caller's to learn.
 */
export function assertAllowedAddress(address: string, target: WebhookTarget, policy: AddressPolicy): void {
    const verdict = classifyAddress(address);
    const shown = `${target.protocol}//${target.url.host}`;
    if (!isAddressAllowed(verdict, policy)) {
        refuse(
            shown,
            target.ipLiteral
                ? `${describeVerdict(verdict)} is not a public address`
                : `${target.host} resolves to a non-public address`,
        );
    }
    if (target.loopbackOnly && verdict.category !== 'loopback') {
        refuse(
            shown,
            target.ipLiteral
                ? `http and ports other than 443 are for loopback only, not ${describeVerdict(verdict)}`
                : `http and ports other than 443 are for loopback only, and ${target.host} resolves to a non-loopback address`,
        );
    }
}

/** `resolve(host)`, given up after `timeoutMs` (the resolver is told through its signal). */
async function resolveWithin(host: string, dns: { resolve: Resolver; timeoutMs: number }) {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            controller.abort();
            reject(new WebhookTransportError(`could not resolve ${host}: no answer within ${dns.timeoutMs} ms`));
        }, dns.timeoutMs);
    });
    try {
        return await Promise.race([dns.resolve(host, controller.signal), timedOut]);
    } finally {
        clearTimeout(timer);
    }
}

/**
 * Resolves the target's host within the DNS bound and checks every address; throws {@link WebhookTargetRefused}
 * when one is not allowed or the name does not exist, {@link WebhookTransportError} when DNS itself failed or did
 * not answer in time.
 */
export async function resolveAllowedAddresses(
    target: WebhookTarget,
    options: DnsOptions,
    policy: AddressPolicy,
): Promise<readonly ResolvedAddress[]> {
    let addresses: readonly ResolvedAddress[];
    try {
        addresses = await resolveWithin(target.host, dnsOf(options));
    } catch (error) {
        if (error instanceof WebhookTransportError) throw error;
        const code = (error as NodeJS.ErrnoException | undefined)?.code;
        if (code !== undefined && notFoundCodes.has(code)) refuse(target.url.host, `${target.host} does not resolve`);
        throw new WebhookTransportError(`could not resolve ${target.host}: ${String(error)}`, { cause: error });
    }
    if (addresses.length === 0) refuse(target.url.host, `${target.host} does not resolve`);
    for (const { address } of addresses) assertAllowedAddress(address, target, policy);
    return addresses;
}

/**
 * The full check of a webhook URL, for registration: {@link parseTargetUrl}, then every address the host resolves
 * to. The sender checks again at connect time, on the addresses it actually dials (a name can change its answer).
 */
export async function assertAllowedTargetUrl(url: string | URL, options: TargetRuleOptions): Promise<AllowedTarget> {
    const target = parseTargetUrl(url, options);
    if (target.ipLiteral) {
        return { ...target, addresses: [{ address: target.host, family: isIP(target.host) }] };
    }
    const addresses = await resolveAllowedAddresses(target, options, options);
    return { ...target, addresses };
}
