import { ForbiddenError } from '../errors/appError';
import { type Caller } from './caller';

/** Permission names: Graph's own where the gateway fronts a Graph action, ours for our routes. */
export const Permission = {
    calendarsReadWrite: 'Calendars.ReadWrite',
    bookingsAppointmentReadWriteAll: 'BookingsAppointment.ReadWrite.All',
    bookingsReadWriteAll: 'Bookings.ReadWrite.All',
    bookingsManageAll: 'Bookings.Manage.All',
    subscriptionsReadWriteAll: 'Subscriptions.ReadWrite.All',
    cancellationsAdmin: 'Cancellations.Admin',
} as const;

export type PermissionName = (typeof Permission)[keyof typeof Permission];

/**
 * Which permission each kind of route needs: any one of the list, as a delegated scope for a user or as
 * an application role for an app (DESIGN.md "Authorization").
 */
export const routePermissions = {
    eventCancel: [Permission.calendarsReadWrite],
    bookingCancel: [
        Permission.bookingsAppointmentReadWriteAll,
        Permission.bookingsReadWriteAll,
        Permission.bookingsManageAll,
    ],
    subscriptions: [Permission.subscriptionsReadWriteAll],
    admin: [Permission.cancellationsAdmin],
} as const satisfies Record<string, readonly PermissionName[]>;

/**
 * The permissions a caller holds for authorization: a user's come from `scp` only and an app's from
 * `roles` only. A user's app roles are not delegated scopes, so they never count.
 */
export function heldPermissions(caller: Caller): ReadonlySet<string> {
    return caller.kind === 'user' ? caller.scopes : caller.roles;
}

/** The first of `anyOf` the caller holds, or `undefined`. Names compare case-insensitively, as Graph does. */
export function grantedPermission(caller: Caller, anyOf: readonly string[]): string | undefined {
    const held = new Set([...heldPermissions(caller)].map((name) => name.toLowerCase()));
    return anyOf.find((name) => held.has(name.toLowerCase()));
}

/**
 * Returns the permission that grants access, or throws {@link ForbiddenError} (403) naming what is
 * missing: a delegated scope for a user, an application role for an app.
 */
export function requirePermission(caller: Caller, anyOf: readonly string[]): string {
    const granted = grantedPermission(caller, anyOf);
    if (granted !== undefined) return granted;
    const what = caller.kind === 'user' ? 'delegated permission (scope)' : 'application permission (role)';
    const names = anyOf.length === 1 ? (anyOf[0] ?? '') : `one of ${anyOf.join(', ')}`;
    throw new ForbiddenError(`Access is denied. This request needs the ${what} ${names}.`);
}
