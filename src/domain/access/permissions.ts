import { ForbiddenError } from '../../errors/appError';
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
 * The app role that makes a caller an administrator of the tenant's records, subscriptions and deliveries. It is
 * never a route permission like the others: see {@link isAdministrator}.
 */
export const administratorRole = Permission.cancellationsAdmin;

/**
 * Which permission each kind of route needs: any one of the list, as a delegated scope for a user or as
 * an application role for an app (README "Who may cancel what").
 */
export const routePermissions = {
    eventCancel: [Permission.calendarsReadWrite],
    bookingCancel: [
        Permission.bookingsAppointmentReadWriteAll,
        Permission.bookingsReadWriteAll,
        Permission.bookingsManageAll,
    ],
    subscriptions: [Permission.subscriptionsReadWriteAll],
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

/**
 * Whether the caller administers the tenant: it holds {@link administratorRole} as an APP ROLE, in an app-only
 * token's `roles` or in a user's `roles` (an app-role assignment an administrator made for that user). A delegated
 * scope of that name never counts: every user of a client the tenant consented for it would get it.
 */
export function isAdministrator(caller: Caller): boolean {
    const wanted = administratorRole.toLowerCase();
    return [...caller.roles].some((role) => role.toLowerCase() === wanted);
}

/** Throws {@link ForbiddenError} (403) unless the caller {@link isAdministrator}. */
export function requireAdministrator(caller: Caller): void {
    if (isAdministrator(caller)) return;
    throw new ForbiddenError(
        `Access is denied. This request needs the app role ${administratorRole}, assigned to the app or to the ` +
            'user (an app-role assignment); a delegated scope of that name does not grant it.',
    );
}

/** Lets administrators through; anyone else needs one of `anyOf` ({@link requirePermission}). */
export function requirePermissionOrAdministrator(caller: Caller, anyOf: readonly string[]): void {
    if (!isAdministrator(caller)) requirePermission(caller, anyOf);
}
