import type { AddressVerdict } from '../../net/addressClassification';

/**
 * Which IP addresses a webhook may be sent to, by the shared classification in `src/net/addressClassification.ts`.
 * Only publicly routable unicast addresses pass; the development setting `allowLoopback` adds the loopback addresses
 * (127/8, ::1) written directly, never any other range and never loopback hidden in an IPv6 form
 * (`::ffff:127.0.0.1`, NAT64, 6to4).
 */

export interface AddressPolicy {
    /** Development: also allow 127/8 and ::1 (written directly, not embedded in another IPv6 form). */
    readonly allowLoopback: boolean;
}

/** Whether a webhook may connect to this address. */
export function isAddressAllowed(verdict: AddressVerdict, policy: AddressPolicy): boolean {
    if (verdict.category === 'public') return true;
    return policy.allowLoopback && verdict.category === 'loopback' && verdict.embedding === undefined;
}

/** `127.0.0.1 (loopback)`, `::ffff:10.0.0.1 (private, ipv4-mapped 10.0.0.1)`: for refusal messages. */
export function describeVerdict(verdict: AddressVerdict): string {
    const via = verdict.embedding === undefined ? '' : `, ${verdict.embedding} ${verdict.embeddedIpv4 ?? ''}`;
    return `${verdict.address} (${verdict.category}${via})`;
}
