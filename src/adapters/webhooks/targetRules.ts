import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { WebhookTargetRefused, WebhookTransportError } from '../../domain/webhooks/sender';
import { classifyAddress } from '../../net/addressClassification';
import { type AddressPolicy, describeVerdict, isAddressAllowed } from './ssrfPolicy';

/** One address a host name resolved to. */
export interface ResolvedAddress {
    readonly address: string;
    readonly family: number;
}

/** Resolves a host name to all its addresses (A and AAAA). Injected in tests so no real DNS is asked. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The operating system's resolver (`dns.lookup` with `all: true`, as a connection would resolve the name). */
export const systemResolver: Resolver = async (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface TargetRuleOptions extends AddressPolicy {
    readonly resolve?: Resolver | undefined;
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

/** Throws {@link WebhookTargetRefused} unless the target may be reached at `address`. */
export function assertAllowedAddress(address: string, target: WebhookTarget, policy: AddressPolicy): void {
    const verdict = classifyAddress(address);
    const shown = `${target.protocol}//${target.url.host}`;
    if (!isAddressAllowed(verdict, policy)) {
        refuse(shown, `${describeVerdict(verdict)} is not a public address`);
    }
    if (target.loopbackOnly && verdict.category !== 'loopback') {
        refuse(shown, `http and ports other than 443 are for loopback only, not ${describeVerdict(verdict)}`);
    }
}

/**
 * Resolves `hostname` with `resolve` and checks every address; throws {@link WebhookTargetRefused} when one is not
 * allowed or the name does not exist, {@link WebhookTransportError} when DNS itself failed.
 */
export async function resolveAllowedAddresses(
    target: WebhookTarget,
    resolve: Resolver,
    policy: AddressPolicy,
): Promise<readonly ResolvedAddress[]> {
    let addresses: readonly ResolvedAddress[];
    try {
        addresses = await resolve(target.host);
    } catch (error) {
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
    const addresses = await resolveAllowedAddresses(target, options.resolve ?? systemResolver, options);
    return { ...target, addresses };
}
