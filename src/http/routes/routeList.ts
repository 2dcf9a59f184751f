// Generated from src/http/routes/manifest.ts by dev/routes/generateRouteList.ts: do not edit. Regenerate with
// `npm run build && node dist/dev/routes/generateRouteList.js` (test/unit/routeList.test.ts checks it).
import type { HttpMethod } from '@azure/functions';

/** What registering an HTTP route needs at load: its function name, route template and method. */
export interface RouteRegistration {
    readonly name: string;
    readonly template: string;
    readonly method: HttpMethod;
}

/** Every route of the manifest, in its order. */
export const routeRegistrations: readonly RouteRegistration[] = [
    { name: 'cancelEvent-me-events', template: '{version}/me/events/{eventId}/cancel', method: 'POST' },
    { name: 'cancelEvent-me-calendar', template: '{version}/me/calendar/events/{eventId}/cancel', method: 'POST' },
    {
        name: 'cancelEvent-me-calendars',
        template: '{version}/me/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-me-calendarGroups',
        template: '{version}/me/calendarGroups/{calendarGroupId}/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-me-calendarGroup',
        template: '{version}/me/calendarGroup/{calendarGroupId}/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-me-defaultCalendarGroup',
        template: '{version}/me/calendarGroup/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-me-defaultCalendarGroups',
        template: '{version}/me/calendarGroups/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    { name: 'cancelEvent-me-calendarView', template: '{version}/me/calendarView/{eventId}/cancel', method: 'POST' },
    {
        name: 'cancelEvent-me-instances',
        template: '{version}/me/events/{seriesMasterId}/instances/{eventId}/cancel',
        method: 'POST',
    },
    { name: 'cancelEvent-users-events', template: '{version}/users/{owner}/events/{eventId}/cancel', method: 'POST' },
    {
        name: 'cancelEvent-users-calendar',
        template: '{version}/users/{owner}/calendar/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-calendars',
        template: '{version}/users/{owner}/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-calendarGroups',
        template:
            '{version}/users/{owner}/calendarGroups/{calendarGroupId}/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-calendarGroup',
        template:
            '{version}/users/{owner}/calendarGroup/{calendarGroupId}/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-defaultCalendarGroup',
        template: '{version}/users/{owner}/calendarGroup/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-defaultCalendarGroups',
        template: '{version}/users/{owner}/calendarGroups/calendars/{calendarId}/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-calendarView',
        template: '{version}/users/{owner}/calendarView/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-users-instances',
        template: '{version}/users/{owner}/events/{seriesMasterId}/instances/{eventId}/cancel',
        method: 'POST',
    },
    { name: 'cancelEvent-groups-events', template: '{version}/groups/{owner}/events/{eventId}/cancel', method: 'POST' },
    {
        name: 'cancelEvent-groups-calendar',
        template: '{version}/groups/{owner}/calendar/events/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-groups-calendarView',
        template: '{version}/groups/{owner}/calendarView/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelEvent-groups-instances',
        template: '{version}/groups/{owner}/events/{seriesMasterId}/instances/{eventId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelBookingAppointment',
        template: '{version}/solutions/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelBookingAppointment-calendarView',
        template: '{version}/solutions/bookingBusinesses/{businessId}/calendarView/{appointmentId}/cancel',
        method: 'POST',
    },
    {
        name: 'cancelBookingAppointment-legacyBeta',
        template: '{version}/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
        method: 'POST',
    },
    { name: 'health', template: 'health', method: 'GET' },
    { name: 'getCancellation', template: 'cancellations/{id}', method: 'GET' },
    { name: 'listCancellations', template: 'cancellations', method: 'GET' },
    { name: 'createCancellationJob', template: 'cancellationJobs', method: 'POST' },
    { name: 'previewCancellationJob', template: 'cancellationJobs/preview', method: 'POST' },
    { name: 'listCancellationJobs', template: 'cancellationJobs', method: 'GET' },
    { name: 'getCancellationJob', template: 'cancellationJobs/{id}', method: 'GET' },
    { name: 'listCancellationJobItems', template: 'cancellationJobs/{id}/items', method: 'GET' },
    { name: 'stopCancellationJob', template: 'cancellationJobs/{id}/stop', method: 'POST' },
    { name: 'listSubscriptions', template: 'subscriptions', method: 'GET' },
    { name: 'createSubscription', template: 'subscriptions', method: 'POST' },
    { name: 'getSubscription', template: 'subscriptions/{id}', method: 'GET' },
    { name: 'updateSubscription', template: 'subscriptions/{id}', method: 'PATCH' },
    { name: 'deleteSubscription', template: 'subscriptions/{id}', method: 'DELETE' },
    { name: 'rotateSubscriptionSecret', template: 'subscriptions/{id}/rotateSecret', method: 'POST' },
    { name: 'recoverSubscription', template: 'subscriptions/{id}/recover', method: 'POST' },
    { name: 'listDeliveries', template: 'deliveries', method: 'GET' },
    { name: 'replayDelivery', template: 'deliveries/{id}/replay', method: 'POST' },
    { name: 'listParkedNotifications', template: 'parkedNotifications', method: 'GET' },
    { name: 'redriveParkedNotification', template: 'parkedNotifications/{id}/redrive', method: 'POST' },
    { name: 'reconcile', template: 'reconcile', method: 'POST' },
    { name: 'graphNotifications', template: 'graph/notifications', method: 'POST' },
    { name: 'graphLifecycleNotifications', template: 'graph/lifecycle', method: 'POST' },
    { name: 'getOpenApiDocument', template: 'openapi.json', method: 'GET' },
];
