import type {
    AppointmentLocator,
    EventCollection,
    EventLocator,
    MailboxRef,
    RecordedEvent,
} from '../../domain/cancellation/graphPorts';
import type { LookupTarget } from '../../domain/reconciliation/graphLookups';

/**
 * Every Graph address the gateway calls, built from the domain's typed locators: paths below the version with each
 * id URL-encoded, the `/cancel` segment and the `$select`s. Nothing outside this folder spells a Graph URL.
 */
const e = encodeURIComponent;

function mailboxPath(mailbox: MailboxRef): string {
    return mailbox.kind === 'user' ? `/users/${e(mailbox.userId)}` : `/groups/${e(mailbox.groupId)}`;
}

function collectionPath(collection: EventCollection, eventId: string): string {
    switch (collection.kind) {
        case 'events':
            return `/events/${e(eventId)}`;
        case 'defaultCalendar':
            return `/calendar/events/${e(eventId)}`;
        case 'calendar': {
            const group = collection.calendarGroup;
            // A calendar of the default group is addressed by its id alone: Graph's schema has no `calendarGroup` on
            // user and Graph refuses that segment (the docs' `calendargroup/calendars/{id}` form, docs PR #11723).
            const groupPath = group?.kind === 'byId' ? `/calendarGroups/${e(group.calendarGroupId)}` : '';
            return `${groupPath}/calendars/${e(collection.calendarId)}/events/${e(eventId)}`;
        }
        case 'calendarView':
            return `/calendarView/${e(eventId)}`;
        case 'instances':
            return `/events/${e(collection.seriesMasterId)}/instances/${e(eventId)}`;
    }
}

/** The event's path below the version, e.g. `/users/{id}/calendars/{id}/events/{id}`: what a record keeps. */
export function eventPath(event: EventLocator | RecordedEvent): string {
    return 'graphPath' in event
        ? event.graphPath
        : `${mailboxPath(event.mailbox)}${collectionPath(event.collection, event.eventId)}`;
}

/**
 * `Prefer: IdType="ImmutableId"`: Graph answers with ids that survive moves between folders and accepts them in the
 * path (docs/graph.md §2). It applies to the one request it is sent with.
 */
export const preferImmutableIds: Readonly<Record<string, string>> = { Prefer: 'IdType="ImmutableId"' };

/** Whether Graph's `Preference-Applied` says the ids in its answer are immutable ones. */
export function answeredImmutableIds(preferenceApplied: string | undefined): boolean {
    return /idtype\s*=\s*"?immutableid"?/i.test(preferenceApplied ?? '');
}

/** `/users/{id}` or `/groups/{id}`: the mailbox part of a path this module built. */
function mailboxPrefix(graphPath: string): string {
    const prefix = /^\/(?:users|groups)\/[^/?]+/i.exec(graphPath)?.[0];
    if (prefix === undefined) throw new RangeError(`not a mailbox path: ${graphPath}`);
    return prefix;
}

/** Where to send a call about the event: by its immutable id in its mailbox when the record has one. */
export function eventAddress(event: EventLocator | RecordedEvent): {
    readonly path: string;
    readonly headers?: Readonly<Record<string, string>>;
} {
    if ('graphPath' in event && event.immutableId !== undefined) {
        return {
            path: `${mailboxPrefix(event.graphPath)}/events/${e(event.immutableId)}`,
            headers: preferImmutableIds,
        };
    }
    return { path: eventPath(event) };
}

export function appointmentPath(appointment: AppointmentLocator): string {
    return `/solutions/bookingBusinesses/${e(appointment.businessId)}/appointments/${e(appointment.appointmentId)}`;
}

export const cancelSegment = '/cancel';

/** The event fields the gateway reads before cancelling (see `eventWire`). */
export const eventSelect =
    'id,isOrganizer,isCancelled,type,seriesMasterId,iCalUId,subject,start,end,attendees,organizer';

/**
 * What the feed classifies a watched copy by (src/domain/feed): the meeting's key parts, whom it concerns, whether it
 * is cancelled, and its folder (Deleted Items or a calendar; the same VERIFY as reconciliation's lookup below).
 */
export const feedEventSelect = `${eventSelect},parentFolderId`;

/** A user's calendars, their folder ids only (one page; see {@link calendarsPageSize}). */
export function calendarsQuery(userId: string): { path: string; query: Record<string, string> } {
    return { path: `${userPath(userId)}/calendars`, query: { $select: 'id', $top: String(calendarsPageSize) } };
}

/** What reconciliation needs to tell gone, cancelled and active apart. */
const lookupEventSelect = 'id,isCancelled';

/**
 * By immutable id the item is found in Deleted Items too, so its folder is asked for as well (VERIFY: Graph's
 * metadata declares `parentFolderId` on message, not on event; docs/graph.md §2).
 */
const immutableLookupEventSelect = 'id,isCancelled,parentFolderId';

/** Calendars listed per mailbox: a user with more gets `@odata.nextLink` and the lookup says "not sure". */
const calendarsPageSize = 100;

/** A reconciliation lookup as a `$batch` item: `url` relative to the version (query included) and its headers. */
export function lookupRequest(target: LookupTarget): {
    readonly url: string;
    readonly headers?: Readonly<Record<string, string>>;
} {
    switch (target.kind) {
        case 'event': {
            const { path, headers } = eventAddress(target.event);
            const select = headers ? immutableLookupEventSelect : lookupEventSelect;
            return { url: `${path}?$select=${select}`, ...(headers ? { headers } : {}) };
        }
        case 'calendars': {
            // A group has one calendar (`/groups/{id}/calendar`); a user lists theirs (Calendars.Read, no mail scope).
            const prefix = mailboxPrefix(target.event.graphPath);
            return /^\/groups\//i.test(prefix)
                ? { url: `${prefix}/calendar?$select=id` }
                : { url: `${prefix}/calendars?$select=id&$top=${calendarsPageSize}` };
        }
        case 'bookingAppointment':
            return { url: appointmentPath(target.appointment) };
    }
}

export function userPath(idOrUpn: string): string {
    return `/users/${e(idOrUpn)}`;
}

export const usersPath = '/users';
export const groupsPath = '/groups';
export const bookingBusinessesPath = '/solutions/bookingBusinesses';

/** The mailbox's default calendar (the resource, not its events). */
export function defaultCalendarPath(idOrUpn: string): string {
    return `${userPath(idOrUpn)}/calendar`;
}

export function bookingStaffPath(businessId: string): string {
    return `/solutions/bookingBusinesses/${e(businessId)}/staffMembers`;
}

/** A lookup's `url` alone (for a client that sends one GET per item, and tests). */
export function lookupUrl(target: LookupTarget): string {
    return lookupRequest(target).url;
}

/** A user's calendar view (`startDateTime`/`endDateTime` go in the query). */
export function calendarViewPath(userId: string): string {
    return `${userPath(userId)}/calendarView`;
}

/** An event of a user's mailbox by id (a series master, a single meeting). */
export function userEventPath(userId: string, eventId: string): string {
    return `${userPath(userId)}/events/${e(eventId)}`;
}

export const declineSegment = '/decline';

/** What bulk cancellation plans from: who organizes it, whom it concerns, whether it matches, what it is. */
export const bulkViewSelect = 'id,subject,start,end,type,seriesMasterId,isOrganizer,isCancelled,attendees,categories';

/** A series master adds its recurrence: when the series started, and the range to end it. */
export const seriesMasterSelect = `${bulkViewSelect},recurrence`;

/**
 * A page link Graph handed out (`@odata.nextLink`) as a path below the version and its query, so it is sent to the
 * configured Graph origin only, whatever host the link names.
 */
export function pageLinkCall(link: string, version: 'v1.0' | 'beta'): { path: string; query: Record<string, string> } {
    const url = new URL(link);
    const prefix = `/${version}/`;
    if (!url.pathname.startsWith(prefix)) throw new RangeError(`not a Graph ${version} link: ${url.pathname}`);
    return { path: url.pathname.slice(prefix.length - 1), query: Object.fromEntries(url.searchParams) };
}

/** Graph's change notification subscriptions. */
export const subscriptionsPath = '/subscriptions';

export function subscriptionPath(subscriptionId: string): string {
    return `${subscriptionsPath}/${e(subscriptionId)}`;
}

/** The `resource` of a feed subscription: one mailbox's events (all its calendars). */
export function userEventsResource(userId: string): string {
    return `/users/${e(userId)}/events`;
}

/** A user's calendar view delta (`startDateTime`/`endDateTime` go in the first request's query). */
export function calendarViewDeltaPath(userId: string): string {
    return `${calendarViewPath(userId)}/delta`;
}

/** A group's direct members (users among them carry `@odata.type` `#microsoft.graph.user`). */
export function groupMembersPath(groupId: string): string {
    return `${groupsPath}/${e(groupId)}/members`;
}
