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

/** The Graph path of the event below the version, with the owner resolved and every id URL-encoded. */
export function graphEventPath(
    route: EventCancelRoute,
    owner: { kind: 'user'; userId: string } | { kind: 'group'; groupId: string },
    ids: { eventId: string; calendarId?: string; calendarGroupId?: string; seriesMasterId?: string },
): string {
    const e = encodeURIComponent;
    const base = owner.kind === 'user' ? `/users/${e(owner.userId)}` : `/groups/${e(owner.groupId)}`;
    switch (route.container) {
        case 'events':
            return `${base}/events/${e(ids.eventId)}`;
        case 'calendar':
            return `${base}/calendar/events/${e(ids.eventId)}`;
        case 'calendars':
            return `${base}/calendars/${e(ids.calendarId ?? '')}/events/${e(ids.eventId)}`;
        case 'calendarGroups':
        case 'calendarGroup':
            return `${base}/calendarGroups/${e(ids.calendarGroupId ?? '')}/calendars/${e(ids.calendarId ?? '')}/events/${e(ids.eventId)}`;
        case 'defaultCalendarGroup':
        case 'defaultCalendarGroups':
            // Graph's schema has no `calendarGroup` on user and Graph refuses the segment (docs PR #11723 dropped
            // it); a calendar id names one calendar of the mailbox, so the calendar is addressed by it alone.
            return `${base}/calendars/${e(ids.calendarId ?? '')}/events/${e(ids.eventId)}`;
        case 'calendarView':
            return `${base}/calendarView/${e(ids.eventId)}`;
        case 'instances':
            return `${base}/events/${e(ids.seriesMasterId ?? '')}/instances/${e(ids.eventId)}`;
    }
}
