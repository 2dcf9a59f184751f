/** In-memory tenant state. Times are epoch milliseconds (UTC). */

export interface EmailAddress {
    name: string;
    address: string;
}

export interface Attendee {
    type: 'required' | 'optional' | 'resource';
    response: string;
    emailAddress: EmailAddress;
}

export interface Recurrence {
    interval: number;
    numberOfOccurrences: number;
    /** e.g. `monday` */
    dayOfWeek: string;
    startDate: string;
    /** Set once the series was ended by date (`range.type` `endDate`, yyyy-mm-dd); numbered until then. */
    endDate?: string;
}

/** Where an item lives: a calendar, Deleted Items, or nowhere any more (cancelled occurrence, removed instance). */
export type ItemState = 'active' | 'deleted' | 'cancelledOccurrence' | 'removed';

export interface EventItem {
    id: string;
    /** Ids this item had before it moved folder (newest last). */
    previousIds: string[];
    mailboxId: string;
    calendarId: string;
    state: ItemState;
    type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
    seriesMasterId: string | null;
    /** Occurrence index within the series (occurrences and exceptions). */
    occurrenceIndex: number | null;
    /** Original start of an occurrence/exception (used for `occurrenceId`/`cancelledOccurrences`). */
    originalStart: number | null;
    iCalUId: string;
    subject: string;
    body: string;
    location: string;
    start: number;
    end: number;
    recurrence: Recurrence | null;
    organizer: EmailAddress;
    attendees: Attendee[];
    categories: string[];
    isOrganizer: boolean;
    isCancelled: boolean;
    responseStatus: { response: string; time: string };
    changeKey: string;
    createdDateTime: number;
    lastModifiedDateTime: number;
    /** Beta `cancelledOccurrences` on a series master. */
    cancelledOccurrences: string[];
    cancel?: { at: number; comment: string | null; via: 'cancel' | 'delete' };
}

export interface Calendar {
    id: string;
    name: string;
    isDefault: boolean;
    calendarGroupId: string | null;
}

export interface CalendarGroup {
    id: string;
    name: string;
    classId: string;
    changeKey: string;
}

export interface Mailbox {
    /** The owner's object id (user or group). */
    id: string;
    kind: 'user' | 'group';
    address: string;
    displayName: string;
    calendars: Calendar[];
    calendarGroups: CalendarGroup[];
    items: Map<string, EventItem>;
}

export interface User {
    id: string;
    userPrincipalName: string;
    displayName: string;
    mail: string;
}

export interface Group {
    id: string;
    displayName: string;
    mail: string;
    memberIds: string[];
}

export interface Application {
    clientId: string;
    displayName: string;
    secret: string;
    roles: string[];
}

export interface Customer {
    customerId: string;
    name: string;
    emailAddress: string;
    phone: string;
    timeZone: string;
    notes: string;
}

export interface Appointment {
    id: string;
    serviceId: string;
    serviceName: string;
    serviceNotes: string;
    start: number;
    end: number;
    staffMemberIds: string[];
    customers: Customer[];
    customerTimeZone: string;
    createdDateTime: number;
    lastUpdatedDateTime: number;
    cancelled?: { at: number; cancellationMessage: string | null };
}

export interface StaffMember {
    id: string;
    displayName: string;
    emailAddress: string;
    role: string;
}

export interface BookingBusiness {
    id: string;
    displayName: string;
    timeZone: string;
    phone: string;
    staffMembers: StaffMember[];
    appointments: Map<string, Appointment>;
}
