/** Placeholders a deployment replaces: the API's Entra Application ID URI and the app's host name. */
export const apiAppIdUri = 'api://cancel-gateway';
export const placeholderHost = 'cancel-gateway.azurewebsites.net';
export const authorizeUrl = 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize';
export const tokenUrl = 'https://login.microsoftonline.com/common/oauth2/v2.0/token';

/**
 * What each delegated scope lets a caller do (the API app's scopes; the same names are app roles). `Cancellations.Admin`
 * is an app role only (see `isAdministrator`): as a scope, every user of a consented client would hold it.
 */
export const permissionDescriptions: Record<string, string> = {
    'Calendars.ReadWrite': 'Cancel events in mailboxes the caller may manage.',
    'BookingsAppointment.ReadWrite.All': 'Cancel booking appointments.',
    'Bookings.ReadWrite.All': 'Cancel booking appointments.',
    'Bookings.Manage.All': 'Cancel booking appointments.',
    'Subscriptions.ReadWrite.All': 'Manage webhook subscriptions.',
};
