import { classifyHost } from '../net/addressClassification';

/** Entra ID authority hosts of the national clouds: global, US Government, China (21Vianet, both names). */
export const entraAuthorityHosts = [
    'login.microsoftonline.com',
    'login.microsoftonline.us',
    'login.chinacloudapi.cn',
    'login.partner.microsoftonline.cn',
] as const;

/** Microsoft Graph hosts of the national clouds: global, US Government L4 and L5 (DoD), China. */
export const graphHosts = [
    'graph.microsoft.com',
    'graph.microsoft.us',
    'dod-graph.microsoft.us',
    'microsoftgraph.chinacloudapi.cn',
] as const;

/** The kind of host a production origin setting must name. */
export interface HostRule {
    /** e.g. "an Entra ID authority host"; undefined: any public host (nothing secret is sent there). */
    readonly kind?: string;
    readonly known: readonly string[];
}

/**
 * Why `value` may not be a production origin, or undefined when it may. A production origin is https on the default
 * port, carries nothing but scheme and host, names no loopback, private, link-local… address (the same
 * classification as webhook targets), and, when the rule has a kind, is one of the known hosts or one named in
 * `CUSTOM_CLOUD_HOSTS`: the gateway sends its Graph credential to the authority and its Graph tokens to Graph.
 */
export function productionOriginProblem(
    value: string,
    rule: HostRule,
    customHosts: readonly string[],
): string | undefined {
    const url = new URL(value);
    const refused = (why: string) => `${value} is not allowed in production: ${why}`;
    if (url.protocol !== 'https:') return refused('it must use https');
    if (url.username !== '' || url.password !== '') return refused('it must not carry credentials');
    if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
        return refused('it must be an origin (scheme and host only, no path, query or fragment)');
    }
    const host = classifyHost(url.hostname);
    if (host.category !== 'name' && host.category !== 'public') {
        return refused(`${host.address} is a ${host.category} address, not a public host`);
    }
    if (url.port !== '') return refused('it must use the default https port (443)');
    if (rule.kind === undefined) return undefined;
    const hostname = url.hostname.toLowerCase();
    if (rule.known.includes(hostname) || customHosts.includes(hostname)) return undefined;
    return refused(
        `${hostname} is not ${rule.kind} of a national cloud (${rule.known.join(', ')}); ` +
            'name it in CUSTOM_CLOUD_HOSTS to allow it',
    );
}

/** Why an entry of `CUSTOM_CLOUD_HOSTS` may not be used, or undefined when it may. */
export function customHostProblem(host: string): string | undefined {
    let url: URL;
    try {
        url = new URL(`https://${host}`);
    } catch {
        return `'${host}' is not a host name`;
    }
    if (url.hostname !== host) return `'${host}' is not a host name (lower-case, no port, path or credentials)`;
    const verdict = classifyHost(url.hostname);
    if (verdict.category !== 'name' && verdict.category !== 'public') {
        return `'${host}' is a ${verdict.category} address, not a public host`;
    }
    return undefined;
}
