import { grantedPermission, requirePermission, routePermissions } from '../../src/auth/permissions';
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
        const caller = userCaller(alice, [], ['Calendars.ReadWrite', 'Cancellations.Admin']);
        expect(() => requirePermission(caller, routePermissions.eventCancel)).toThrow(ForbiddenError);
        expect(() => requirePermission(caller, routePermissions.admin)).toThrow(ForbiddenError);
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

    it('admin routes need Cancellations.Admin; the cancel permission is not enough', () => {
        expect(() => requirePermission(userCaller(alice, ['Calendars.ReadWrite']), routePermissions.admin)).toThrow(
            /Cancellations\.Admin/,
        );
        expect(requirePermission(appCaller(reportingAppId, ['Cancellations.Admin']), routePermissions.admin)).toBe(
            'Cancellations.Admin',
        );
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
