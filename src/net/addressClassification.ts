import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of IP address something is: the one definition of loopback, private, metadata… that every check uses
 * (webhook targets, the configured Entra ID and Graph hosts). An IPv4 address carried inside an IPv6 form
 * (`::ffff:127.0.0.1`, NAT64, 6to4) is classified by the IPv4 address it carries.
 *
 * Sources: the IANA IPv4/IPv6 special-purpose address registries (RFC 6890 and updates), OWASP's SSRF sheet, the
 * cloud metadata endpoints (AWS/GCP/Azure IMDS 169.254.169.254, Azure WireServer 168.63.129.16, Alibaba
 * 100.100.100.200, AWS IPv6 IMDS fd00:ec2::254).
 */

export type AddressCategory =
    | 'public'
    | 'loopback'
    | 'unspecified'
    | 'private'
    | 'link-local'
    | 'cgnat'
    | 'multicast'
    | 'reserved'
    | 'broadcast'
    | 'benchmarking'
    | 'documentation'
    | 'metadata'
    | 'unique-local'
    | 'invalid';

/** How an IPv4 address was carried inside an IPv6 one. */
export type Ipv4Embedding = 'ipv4-mapped' | 'ipv4-compatible' | 'ipv4-translated' | 'nat64' | '6to4';

export interface AddressVerdict {
    /** The address as given. */
    readonly address: string;
    /** 0 when it is not an IP address. */
    readonly family: 0 | 4 | 6;
    readonly category: AddressCategory;
    /** The IPv4 address carried inside an IPv6 one, which is what was classified. */
    readonly embeddedIpv4?: string | undefined;
    readonly embedding?: Ipv4Embedding | undefined;
}

type Range = readonly [network: string, prefix: number];

/** Whether an address of the family is in one of the ranges. */
type RangeCheck = (address: string) => boolean;

/**
 * The ranges as a `BlockList`, built on the first check: the app loads this module at start (its settings' hosts are
 * checked with it), and those hosts are names, which need no list.
 */
function rangeCheck(family: 'ipv4' | 'ipv6', ranges: readonly Range[]): RangeCheck {
    let list: BlockList | undefined;
    return (address) => {
        if (list === undefined) {
            list = new BlockList();
            for (const [network, prefix] of ranges) list.addSubnet(network, prefix, family);
        }
        return list.check(address, family);
    };
}

/** Checked in order: the first match wins, so the specific entries (metadata, broadcast) come first. */
const ipv4Rules: readonly (readonly [AddressCategory, RangeCheck])[] = [
    [
        'metadata',
        rangeCheck('ipv4', [
            ['169.254.169.254', 32],
            ['168.63.129.16', 32],
            ['100.100.100.200', 32],
        ]),
    ],
    ['broadcast', rangeCheck('ipv4', [['255.255.255.255', 32]])],
    ['unspecified', rangeCheck('ipv4', [['0.0.0.0', 8]])],
    ['loopback', rangeCheck('ipv4', [['127.0.0.0', 8]])],
    [
        'private',
        rangeCheck('ipv4', [
            ['10.0.0.0', 8],
            ['172.16.0.0', 12],
            ['192.168.0.0', 16],
        ]),
    ],
    ['link-local', rangeCheck('ipv4', [['169.254.0.0', 16]])],
    ['cgnat', rangeCheck('ipv4', [['100.64.0.0', 10]])],
    ['multicast', rangeCheck('ipv4', [['224.0.0.0', 4]])],
    ['benchmarking', rangeCheck('ipv4', [['198.18.0.0', 15]])],
    [
        'documentation',
        rangeCheck('ipv4', [
            ['192.0.2.0', 24],
            ['198.51.100.0', 24],
            ['203.0.113.0', 24],
        ]),
    ],
    [
        'reserved',
        rangeCheck('ipv4', [
            ['240.0.0.0', 4],
            // IETF protocol assignments (DS-Lite, NAT64 discovery…) and the deprecated 6to4 relay anycast.
            ['192.0.0.0', 24],
            ['192.88.99.0', 24],
        ]),
    ],
];

/** IPv6 ranges with no IPv4 inside; the embedding forms are handled before these are consulted. */
const ipv6Rules: readonly (readonly [AddressCategory, RangeCheck])[] = [
    ['metadata', rangeCheck('ipv6', [['fd00:ec2::254', 128]])],
    ['unique-local', rangeCheck('ipv6', [['fc00::', 7]])],
    ['link-local', rangeCheck('ipv6', [['fe80::', 10]])],
    // Deprecated site-local addresses (RFC 3879) are private in all but name.
    ['private', rangeCheck('ipv6', [['fec0::', 10]])],
    ['multicast', rangeCheck('ipv6', [['ff00::', 8]])],
    [
        'documentation',
        rangeCheck('ipv6', [
            ['2001:db8::', 32],
            ['3fff::', 20],
        ]),
    ],
    ['benchmarking', rangeCheck('ipv6', [['2001:2::', 48]])],
    [
        'reserved',
        rangeCheck('ipv6', [
            // IETF protocol assignments, Teredo (2001::/32) included: no webhook receiver lives there.
            ['2001::', 23],
            // Discard-only, and the local-use NAT64 prefix (RFC 8215), which leads into a private network.
            ['100::', 64],
            ['64:ff9b:1::', 48],
        ]),
    ],
];

/** Global unicast (2000::/3); everything outside it is not routable on the internet. */
const ipv6GlobalUnicast = rangeCheck('ipv6', [['2000::', 3]]);

/** The 16 bytes of an IPv6 address (zone already removed), or undefined when it is not one. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
    if (!isIPv6(address)) return undefined;
    let text = address;
    const lastColon = text.lastIndexOf(':');
    const tail = text.slice(lastColon + 1);
    if (tail.includes('.')) {
        // A dotted IPv4 tail (`::ffff:1.2.3.4`) is the last two groups.
        if (!isIPv4(tail)) return undefined;
        const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
        text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    const [head = '', rest, extra] = text.split('::');
    if (extra !== undefined) return undefined;
    const parse = (part: string): number[] =>
        part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
    const headGroups = parse(head);
    const restGroups = rest === undefined ? [] : parse(rest);
    const missing = 8 - headGroups.length - restGroups.length;
    if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
    const groups = [...headGroups, ...new Array<number>(missing).fill(0), ...restGroups];
    if (groups.some((group) => !(group >= 0 && group <= 0xffff))) return undefined;
    const bytes = new Uint8Array(16);
    groups.forEach((group, index) => {
        bytes[index * 2] = group >> 8;
        bytes[index * 2 + 1] = group & 0xff;
    });
    return bytes;
}

function dotted(bytes: Uint8Array, from: number): string {
    return Array.from(bytes.subarray(from, from + 4)).join('.');
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
    return prefix.every((value, index) => bytes[index] === value);
}

function classifyIpv4(address: string): AddressCategory {
    for (const [category, inRanges] of ipv4Rules) if (inRanges(address)) return category;
    return 'public';
}

/** An IPv4 address inside an IPv6 one, by the well-known embeddings. */
function embeddedIpv4(bytes: Uint8Array): { embedding: Ipv4Embedding; ipv4: string } | undefined {
    const zeros = (count: number): number[] => new Array<number>(count).fill(0);
    if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return { embedding: 'ipv4-mapped', ipv4: dotted(bytes, 12) };
    if (startsWith(bytes, [...zeros(8), 0xff, 0xff, 0, 0])) {
        return { embedding: 'ipv4-translated', ipv4: dotted(bytes, 12) };
    }
    if (startsWith(bytes, zeros(12))) {
        // `::` and `::1` are not IPv4-compatible addresses.
        const last = bytes.subarray(12).reduce((sum, value) => sum * 256 + value, 0);
        return last <= 1 ? undefined : { embedding: 'ipv4-compatible', ipv4: dotted(bytes, 12) };
    }
    if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, ...zeros(8)]))
        return { embedding: 'nat64', ipv4: dotted(bytes, 12) };
    if (startsWith(bytes, [0x20, 0x02])) return { embedding: '6to4', ipv4: dotted(bytes, 2) };
    return undefined;
}

function hex(bytes: Uint8Array): string {
    const groups: string[] = [];
    for (let index = 0; index < 16; index += 2) {
        groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
    }
    return groups.join(':');
}

function classifyIpv6(address: string, bytes: Uint8Array): AddressVerdict {
    if (bytes.every((value) => value === 0)) return { address, family: 6, category: 'unspecified' };
    if (bytes.subarray(0, 15).every((value) => value === 0) && bytes[15] === 1) {
        return { address, family: 6, category: 'loopback' };
    }
    const embedded = embeddedIpv4(bytes);
    if (embedded !== undefined) {
        const inner = classifyIpv4(embedded.ipv4);
        // IPv4-compatible and -translated forms are deprecated and never a real endpoint, whatever they carry.
        const deprecated = embedded.embedding === 'ipv4-compatible' || embedded.embedding === 'ipv4-translated';
        const category = inner === 'public' && deprecated ? 'reserved' : inner;
        return { address, family: 6, category, embeddedIpv4: embedded.ipv4, embedding: embedded.embedding };
    }
    const canonical = hex(bytes);
    for (const [category, inRanges] of ipv6Rules) if (inRanges(canonical)) return { address, family: 6, category };
    if (!ipv6GlobalUnicast(canonical)) return { address, family: 6, category: 'reserved' };
    return { address, family: 6, category: 'public' };
}

/** What kind of address this is; anything that is not an IP address is `invalid`. */
export function classifyAddress(address: string): AddressVerdict {
    if (isIPv4(address)) return { address, family: 4, category: classifyIpv4(address) };
    const zoneAt = address.indexOf('%');
    const bare = zoneAt === -1 ? address : address.slice(0, zoneAt);
    const bytes = ipv6Bytes(bare);
    if (bytes === undefined) return { address, family: 0, category: 'invalid' };
    const verdict = classifyIpv6(address, bytes);
    // A zone only makes sense on a link-scoped address; on anything else it is a trick.
    if (zoneAt !== -1 && verdict.category === 'public') return { ...verdict, category: 'invalid' };
    return verdict;
}

const loopbackNames = /^(?:.+\.)?localhost\.?$/i;

/**
 * What a URL's host is: an IP literal (with or without brackets) by {@link classifyAddress}; `localhost` and any
 * `*.localhost` name, with or without the trailing dot, as loopback (RFC 6761: they never leave the machine); other
 * names as `name`, which only DNS can tell.
 */
export function classifyHost(
    hostname: string,
): AddressVerdict | { readonly category: 'name'; readonly address: string } {
    const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
    if (loopbackNames.test(host)) return { address: host, family: 0, category: 'loopback' };
    const verdict = classifyAddress(host);
    return verdict.family === 0 ? { category: 'name', address: host } : verdict;
}
