import type { HttpMethod } from '@azure/functions';
import type { BookingRouteForm } from '../handlers/cancelAppointment';
import { subscriptionRoutes } from '../handlers/subscriptions';
import { eventCancelRoutes } from './eventCancelRoutes';

export interface RouteEntry {
    readonly route: string;
    readonly methods: readonly HttpMethod[];
}

export const bookingCancelRoutes: ReadonlyArray<{ name: string; route: string; form: BookingRouteForm }> = [
    {
        name: 'cancelBookingAppointment',
        route: '{version}/solutions/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
        form: 'solutions',
    },
    {
        // The SDKs also reach appointments through the business's calendarView.
        name: 'cancelBookingAppointment-calendarView',
        route: '{version}/solutions/bookingBusinesses/{businessId}/calendarView/{appointmentId}/cancel',
        form: 'solutions',
    },
    {
        name: 'cancelBookingAppointment-legacyBeta',
        route: '{version}/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel',
        form: 'legacyBeta',
    },
];

export const ownRoutes = {
    health: 'health',
    cancellation: 'cancellations/{id}',
    cancellations: 'cancellations',
    deliveries: 'deliveries',
    deliveryReplay: 'deliveries/{id}/replay',
    subscriptionRecover: 'subscriptions/{id}/recover',
    parkedNotifications: 'parkedNotifications',
    parkedNotificationRedrive: 'parkedNotifications/{id}/redrive',
    reconcile: 'reconcile',
} as const;

/** Every route the app serves with its methods: the catch-all answers 405 (not 404) for these paths. */
export const routeTable: readonly RouteEntry[] = [
    ...eventCancelRoutes.map((r) => ({ route: r.route, methods: ['POST'] as HttpMethod[] })),
    ...bookingCancelRoutes.map((r) => ({ route: r.route, methods: ['POST'] as HttpMethod[] })),
    { route: ownRoutes.health, methods: ['GET'] },
    { route: ownRoutes.cancellation, methods: ['GET'] },
    { route: ownRoutes.cancellations, methods: ['GET'] },
    { route: subscriptionRoutes.subscriptions, methods: ['GET', 'POST'] },
    { route: subscriptionRoutes.subscription, methods: ['GET', 'PATCH', 'DELETE'] },
    { route: subscriptionRoutes.rotateSecret, methods: ['POST'] },
    { route: ownRoutes.subscriptionRecover, methods: ['POST'] },
    { route: ownRoutes.deliveries, methods: ['GET'] },
    { route: ownRoutes.deliveryReplay, methods: ['POST'] },
    { route: ownRoutes.parkedNotifications, methods: ['GET'] },
    { route: ownRoutes.parkedNotificationRedrive, methods: ['POST'] },
    { route: ownRoutes.reconcile, methods: ['POST'] },
    { route: 'openapi.json', methods: ['GET'] },
];

/**
 * Case-insensitive match of a path (below the route prefix) against `{param}` templates, as the host matches.
 * `allowEmpty` lets a parameter match an empty segment (`events//cancel`), which the host never routes.
 */
export function templateMatches(template: string, path: string, allowEmpty = false): boolean {
    const want = template.split('/');
    const got = path.replace(/\/+$/, '').split('/');
    return (
        want.length === got.length &&
        want.every((segment, i) => {
            const value = got[i] ?? '';
            if (/^\{[^}]+\}$/.test(segment)) return allowEmpty || value !== '';
            return segment.toLowerCase() === value.toLowerCase();
        })
    );
}
