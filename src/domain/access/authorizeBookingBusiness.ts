import { type Caller } from './caller';
import { ForbiddenError, NotFoundError } from '../../errors/appError';
import { type BookingAccessDependencies } from './accessDependencies';
import { applicationGrantFor } from './applicationGrant';
import { callerDirectoryEntry } from './callerDirectoryEntry';
import { anyRefersTo, sameId } from './identityMatch';
import { type BookingStaffMember, type DirectoryUser } from './ports';
import { ANY } from './tenantPolicy';

/** Graph `bookingStaffRole` values that may manage appointments; viewers, guests and team members may not. */
const CANCELLING_STAFF_ROLES: ReadonlySet<string> = new Set(['administrator', 'scheduler']);

export type BookingAccessBasis = 'staff' | 'policy' | 'application';

export interface AuthorizedBookingBusiness {
    readonly businessId: string;
    readonly basis: BookingAccessBasis;
}

function staffEntryOf(staff: readonly BookingStaffMember[], user: DirectoryUser): BookingStaffMember | undefined {
    // Staff are listed by email; a user's is usually the UPN, sometimes a different primary SMTP address.
    const addresses = [user.userPrincipalName, user.mail ?? '']
        .filter((address) => address !== '')
        .map((address) => address.toLowerCase());
    return staff.find((member) => addresses.includes(member.emailAddress.toLowerCase()));
}

/**
 * Decides whether the caller may cancel appointments of a booking business.
 *
 * - A user: named for that business in the tenant policy, or on its staff as administrator or scheduler.
 * - An app: only the businesses its policy entry lists (`"*"` = all).
 *
 * Throws ForbiddenError (403) when not allowed, NotFoundError (404, `ErrorItemNotFound`) when a user asks
 * about a business that does not exist. Check the route's permission separately with `requirePermission`.
 */
export async function authorizeBookingBusiness(
    caller: Caller,
    businessId: string,
    deps: BookingAccessDependencies,
): Promise<AuthorizedBookingBusiness> {
    if (caller.kind === 'app') {
        const grant = applicationGrantFor(caller, deps.policy);
        const allowed = grant?.bookingBusinesses.some((id) => id === ANY || sameId(id, businessId)) ?? false;
        if (!allowed) {
            throw new ForbiddenError(
                'Access is denied. The tenant policy does not allow this application to act in this booking business.',
            );
        }
        return { businessId, basis: 'application' };
    }

    const self = await callerDirectoryEntry(caller, deps.directory);
    const namedInPolicy = deps.policy.bookings.some(
        (booking) => sameId(booking.businessId, businessId) && anyRefersTo(booking.users, self),
    );
    if (namedInPolicy) return { businessId, basis: 'policy' };

    const staff = await deps.bookingStaff.listStaff(businessId);
    if (staff === null) {
        throw new NotFoundError('The booking business was not found.', 'ErrorItemNotFound');
    }
    const member = staffEntryOf(staff, self);
    if (member === undefined) {
        throw new ForbiddenError('Access is denied. You are not on the staff of this booking business.');
    }
    if (!CANCELLING_STAFF_ROLES.has(member.role.toLowerCase())) {
        throw new ForbiddenError(
            `Access is denied. Your staff role (${member.role}) may not cancel appointments; administrator or scheduler may.`,
        );
    }
    return { businessId, basis: 'staff' };
}
