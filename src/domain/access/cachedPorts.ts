import { type Clock } from '../ports/clock';
import { type BookingStaffDirectory, type Directory } from './ports';
import { createTtlCache } from './ttlCache';

export interface PortCacheOptions {
    readonly clock: Clock;
    /** How long an answer is reused. Membership and staff changes show up after at most this long. */
    readonly ttlMs: number;
}

/** A {@link Directory} whose answers (including "no such user") are reused for `ttlMs`. */
export function cachedDirectory(directory: Directory, options: PortCacheOptions): Directory {
    const users = createTtlCache<Awaited<ReturnType<Directory['findUser']>>>(options);
    const memberships = createTtlCache<boolean>(options);
    return {
        // Object ids and UPNs are case-insensitive in Entra, so one cache entry serves every spelling.
        findUser: (idOrUpn) => users(idOrUpn.toLowerCase(), () => directory.findUser(idOrUpn)),
        isGroupMember: (groupId, userId) =>
            memberships(`${groupId.toLowerCase()}\n${userId.toLowerCase()}`, () =>
                directory.isGroupMember(groupId, userId),
            ),
    };
}

/** A {@link BookingStaffDirectory} whose staff lists are reused for `ttlMs`. */
export function cachedBookingStaffDirectory(
    staffDirectory: BookingStaffDirectory,
    options: PortCacheOptions,
): BookingStaffDirectory {
    const staff = createTtlCache<Awaited<ReturnType<BookingStaffDirectory['listStaff']>>>(options);
    return {
        listStaff: (businessId) => staff(businessId.toLowerCase(), () => staffDirectory.listStaff(businessId)),
    };
}
