import { promises as dns } from 'node:dns';
import { classifyHost } from '../../net/addressClassification';
import type { ResolvedAddress, Resolver } from './targetRules';

export interface DnsResolverOptions {
    /** Each query's timeout; the caller bounds the whole lookup too. */
    readonly timeoutMs: number;
    /** Name servers (`host` or `host:port`) instead of the system's; for tests against a local server. */
    readonly servers?: readonly string[] | undefined;
}

const notFound = new Set<string>([dns.NODATA, dns.NOTFOUND]);
const codeOf = (reason: unknown) => (reason as NodeJS.ErrnoException | undefined)?.code;

/**
 * A {@link Resolver} that asks DNS through c-ares (`dns.Resolver`: A and AAAA, with a timeout, cancelled when the
 * caller gives up) rather than `dns.lookup`, which blocks one of libuv's four threads per lookup for as long as the
 * system resolver waits: a few names that never answer would stall every file, crypto and DNS call of the worker.
 * `localhost` and `*.localhost` are answered without asking (RFC 6761) with the loopback addresses, which only
 * the development setting allows.
 */
export function dnsResolver(options: DnsResolverOptions): Resolver {
    return async (hostname, signal) => {
        if (classifyHost(hostname).category === 'loopback') {
            return [
                { address: '127.0.0.1', family: 4 },
                { address: '::1', family: 6 },
            ];
        }
        // One channel per lookup, so giving up on this one cancels nothing else.
        const resolver = new dns.Resolver({ timeout: Math.max(1, Math.round(options.timeoutMs)), tries: 1 });
        if (options.servers !== undefined) resolver.setServers([...options.servers]);
        const cancel = () => resolver.cancel();
        signal.addEventListener('abort', cancel, { once: true });
        try {
            const [v4, v6] = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
            const addresses: ResolvedAddress[] = [
                ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
                ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
            ];
            const failures = [v4, v6].flatMap((result) =>
                result.status === 'rejected' ? [result.reason as unknown] : [],
            );
            if (addresses.length > 0 || failures.length === 0) return addresses;
            // The name has no address only when both answers say so; a timeout or server failure is a DNS failure.
            throw failures.find((reason) => !notFound.has(codeOf(reason) ?? '')) ?? failures[0];
        } finally {
            signal.removeEventListener('abort', cancel);
        }
    };
}
