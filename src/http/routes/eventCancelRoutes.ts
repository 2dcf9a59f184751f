import type { EventCollection, EventLocator, GraphVersion, MailboxRef } from '../../domain/cancellation/graphPorts';

/** Which mailbox a route form names. */
export type OwnerForm = 'me' | 'users' | 'groups';

/** Where in the mailbox the event is addressed (docs/graph.md §1, plus the SDKs' calendarView and instances). */
export type ContainerForm =
    | 'events'
    | 'calendar'
    | 'calendars'
    | 'calendarGroups'
    | 'calendarGroup'
    | 'defaultCalendarGroup'
    | 'defaultCalendarGroups'
    | 'calendarView'
    | 'instances';

export interface EventCancelRoute {
    readonly name: string;
    /** Host route template below `routePrefix`; matching is case-insensitive, so `calendargroups` matches too. */
    readonly route: string;
    readonly owner: OwnerForm;
    readonly container: ContainerForm;
}

const ownerTemplates: Record<OwnerForm, string> = {
    me: '{version}/me',
    users: '{version}/users/{owner}',
    groups: '{version}/groups/{owner}',
};

const containerTemplates: Record<ContainerForm, string> = {
    events: 'events/{eventId}',
    calendar: 'calendar/events/{eventId}',
    calendars: 'calendars/{calendarId}/events/{eventId}',
    calendarGroups: 'calendarGroups/{calendarGroupId}/calendars/{calendarId}/events/{eventId}',
    // The singular spelling of older docs pages; Graph emits `calendarGroups`.
    calendarGroup: 'calendarGroup/{calendarGroupId}/calendars/{calendarId}/events/{eventId}',
    // A calendar of the user's default calendar group, no group id: `calendargroup/calendars/{id}` as the docs print
    // it, and the plural spelling without an id.
    defaultCalendarGroup: 'calendarGroup/calendars/{calendarId}/events/{eventId}',
    defaultCalendarGroups: 'calendarGroups/calendars/{calendarId}/events/{eventId}',
    calendarView: 'calendarView/{eventId}',
    instances: 'events/{seriesMasterId}/instances/{eventId}',
};

/** Graph documents calendars and calendar groups for users only, not for group mailboxes. */
const userOnlyContainers = new Set<ContainerForm>([
    'calendars',
    'calendarGroups',
    'calendarGroup',
    'defaultCalendarGroup',
    'defaultCalendarGroups',
]);

/** Every route form of `POST …/events/{id}/cancel` the gateway serves, under `{version}` = v1.0 or beta. */
export const eventCancelRoutes: readonly EventCancelRoute[] = (Object.keys(ownerTemplates) as OwnerForm[]).flatMap(
    (owner) =>
        (Object.keys(containerTemplates) as ContainerForm[])
            .filter((container) => owner !== 'groups' || !userOnlyContainers.has(container))
            .map((container) => ({
                name: `cancelEvent-${owner}-${container}`,
                route: `${ownerTemplates[owner]}/${containerTemplates[container]}/cancel`,
                owner,
                container,
            })),
);

/** The event the route names, as the domain's typed locator (the Graph adapter turns it into a path). */
export function eventLocator(
    route: EventCancelRoute,
    version: GraphVersion,
    owner: { kind: 'user'; userId: string } | { kind: 'group'; groupId: string },
    ids: { eventId: string; calendarId?: string; calendarGroupId?: string; seriesMasterId?: string },
): EventLocator {
    const mailbox: MailboxRef =
        owner.kind === 'user' ? { kind: 'user', userId: owner.userId } : { kind: 'group', groupId: owner.groupId };
    return { version, mailbox, collection: eventCollection(route.container, ids), eventId: ids.eventId };
}

function eventCollection(
    container: ContainerForm,
    ids: { calendarId?: string; calendarGroupId?: string; seriesMasterId?: string },
): EventCollection {
    switch (container) {
        case 'events':
            return { kind: 'events' };
        case 'calendar':
            return { kind: 'defaultCalendar' };
        case 'calendars':
            return { kind: 'calendar', calendarId: ids.calendarId ?? '' };
        case 'calendarGroups':
        case 'calendarGroup':
            return {
                kind: 'calendar',
                calendarId: ids.calendarId ?? '',
                calendarGroup: { kind: 'byId', calendarGroupId: ids.calendarGroupId ?? '' },
            };
        case 'defaultCalendarGroup':
        case 'defaultCalendarGroups':
            // Graph's schema has no `calendarGroup` on user and Graph refuses the segment (docs PR #11723 dropped
            // it); a calendar id names one calendar of the mailbox, so the calendar is addressed by it alone.
            return { kind: 'calendar', calendarId: ids.calendarId ?? '', calendarGroup: { kind: 'default' } };
        case 'calendarView':
            return { kind: 'calendarView' };
        case 'instances':
            return { kind: 'instances', seriesMasterId: ids.seriesMasterId ?? '' };
    }
}
