/** Placeholders a deployment replaces: the API's Entra Application ID URI and the app's host name. */
export const apiAppIdUri = 'api://cancel-gateway';
export const placeholderHost = 'cancel-gateway.azurewebsites.net';
export const routePrefix = 'api';
export const authorizeUrl = 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize';
export const tokenUrl = 'https://login.microsoftonline.com/common/oauth2/v2.0/token';

/** What each permission lets a caller do (the scope / role descriptions of the API app). */
export const permissionDescriptions: Record<string, string> = {
    'Calendars.ReadWrite': 'Cancel events in mailboxes the caller may manage.',
    'BookingsAppointment.ReadWrite.All': 'Cancel booking appointments.',
    'Bookings.ReadWrite.All': 'Cancel booking appointments.',
    'Bookings.Manage.All': 'Cancel booking appointments.',
    'Subscriptions.ReadWrite.All': 'Manage webhook subscriptions.',
    'Cancellations.Admin': 'Read every cancellation of the tenant and run operations.',
};
