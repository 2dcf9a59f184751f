import {
    grantedPermission,
    isAdministrator,
    requireAdministrator,
    requirePermission,
    requirePermissionOrAdministrator,
    routePermissions,
} from '../../src/domain/access/permissions';
import { ForbiddenError } from '../../src/errors/appError';
import { alice, appCaller, reportingAppId, userCaller } from './fakes';

describe('requirePermission', () => {
    it('grants a user the event cancel with the Calendars.ReadWrite scope', () => {
        expect(requirePermission(userCaller(alice, ['Calendars.ReadWrite']), routePermissions.eventCancel)).toBe(
            'Calendars.ReadWrite',
        );
    });

    it('grants an app the event cancel with the Calendars.ReadWrite role', () => {
        expect(
            requirePermission(appCaller(reportingAppId, ['Calendars.ReadWrite']), routePermissions.eventCancel),
        ).toBe('Calendars.ReadWrite');
    });

    it.each(['BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'])(
        'grants booking cancel with %s',
        (permission) => {
            expect(requirePermission(userCaller(alice, [permission]), routePermissions.bookingCancel)).toBe(permission);
            expect(requirePermission(appCaller(reportingAppId, [permission]), routePermissions.bookingCancel)).toBe(
                permission,
            );
        },
    );

    it('403 naming the missing scope for a user', () => {
        const attempt = () => requirePermission(userCaller(alice, ['User.Read']), routePermissions.eventCancel);
        expect(attempt).toThrow(ForbiddenError);
        expect(attempt).toThrow(/delegated permission \(scope\) Calendars\.ReadWrite/);
    });

    it('403 naming the missing role for an app', () => {
        const attempt = () => requirePermission(appCaller(reportingAppId, []), routePermissions.bookingCancel);
        expect(attempt).toThrow(/application permission \(role\) one of BookingsAppointment\.ReadWrite\.All/);
    });

    it("does not count a user's app roles as delegated scopes", () => {
        const caller = userCaller(alice, [], ['Calendars.ReadWrite', 'Subscriptions.ReadWrite.All']);
        expect(() => requirePermission(caller, routePermissions.eventCancel)).toThrow(ForbiddenError);
        expect(() => requirePermission(caller, routePermissions.subscriptions)).toThrow(ForbiddenError);
    });

    it("does not count an app's scopes (it has none) or a scope-like role on a user", () => {
        expect(grantedPermission(appCaller(reportingAppId, []), routePermissions.subscriptions)).toBeUndefined();
        expect(
            grantedPermission(
                appCaller(reportingAppId, ['Subscriptions.ReadWrite.All']),
                routePermissions.subscriptions,
            ),
        ).toBe('Subscriptions.ReadWrite.All');
    });

    it('the 403 has status 403 and the Graph code ErrorAccessDenied', () => {
        try {
            requirePermission(userCaller(alice, []), routePermissions.eventCancel);
            throw new Error('expected a throw');
        } catch (error) {
            expect(error).toMatchObject({ status: 403, code: 'ErrorAccessDenied' });
        }
    });
});

describe('isAdministrator: the Cancellations.Admin app role, never the scope', () => {
    it('an app-only token with the role is an administrator', () => {
        expect(isAdministrator(appCaller(reportingAppId, ['Cancellations.Admin']))).toBe(true);
        expect(() => requireAdministrator(appCaller(reportingAppId, ['Cancellations.Admin']))).not.toThrow();
    });

    it('a user whose token carries the role (an app-role assignment) is an administrator, any case', () => {
        expect(isAdministrator(userCaller(alice, ['Calendars.ReadWrite'], ['Cancellations.Admin']))).toBe(true);
        expect(isAdministrator(userCaller(alice, [], ['cancellations.admin']))).toBe(true);
    });

    it('a user with the delegated scope Cancellations.Admin is NOT an administrator (403 naming the app role)', () => {
        const scoped = userCaller(alice, ['Calendars.ReadWrite', 'Cancellations.Admin']);
        expect(isAdministrator(scoped)).toBe(false);
        expect(() => requireAdministrator(scoped)).toThrow(ForbiddenError);
        expect(() => requireAdministrator(scoped)).toThrow(/app role Cancellations\.Admin/);
    });

    it('the cancel permission is not enough either', () => {
        expect(isAdministrator(userCaller(alice, ['Calendars.ReadWrite']))).toBe(false);
        expect(isAdministrator(appCaller(reportingAppId, ['Calendars.ReadWrite']))).toBe(false);
    });

    it('requirePermissionOrAdministrator lets administrators through without the permission', () => {
        const adminUser = userCaller(alice, ['User.Read'], ['Cancellations.Admin']);
        expect(() => requirePermissionOrAdministrator(adminUser, routePermissions.subscriptions)).not.toThrow();
        const scoped = userCaller(alice, ['Cancellations.Admin']);
        expect(() => requirePermissionOrAdministrator(scoped, routePermissions.subscriptions)).toThrow(
            /Subscriptions\.ReadWrite\.All/,
        );
    });
});
