import { createHash } from 'node:crypto';
import { type FixtureEvent, type ParsedFixture } from '../fixture';
import { newChangeKey, stableGuid, stableId } from '../ids';
import { dayNames } from '../time';
import {
    type Application,
    type Attendee,
    type BookingBusiness,
    type EventItem,
    type Group,
    type Mailbox,
    type User,
} from './model';

/** A referential problem in a fixture that zod's shape check cannot see (unknown organizer, calendar…). */
export class FixtureError extends Error {
    constructor(
        message: string,
        readonly path: (string | number)[],
    ) {
        super(message);
    }
}

const week = 7 * 86_400_000;
const noResponseTime = '0001-01-01T00:00:00Z';

/** The whole state of the emulated tenant, built from a validated fixture. */
export class Tenant {
    readonly tenantId: string;
    readonly domain: string;
    readonly users: User[] = [];
    readonly groups: Group[] = [];
    readonly applications: Application[] = [];
    readonly mailboxes = new Map<string, Mailbox>();
    readonly businesses: BookingBusiness[] = [];

    constructor(fixture: ParsedFixture) {
        this.tenantId = fixture.tenantId;
        this.domain = fixture.domain ?? fixture.users[0]?.userPrincipalName.split('@')[1] ?? 'contoso.test';
        fixture.users.forEach((u, i) => {
            if (this.findUser(u.id) || this.findUser(u.userPrincipalName)) {
                throw new FixtureError(`duplicate user ${u.userPrincipalName}`, ['users', i]);
            }
            const user: User = {
                id: u.id,
                userPrincipalName: u.userPrincipalName,
                displayName: u.displayName,
                mail: u.mail ?? u.userPrincipalName,
            };
            this.users.push(user);
            const mailbox = this.newMailbox(user.id, 'user', user.mail, user.displayName);
            for (const c of u.calendars) {
                mailbox.calendars.push({
                    id: c.id ?? stableId('calendar', user.id, c.name),
                    name: c.name,
                    isDefault: false,
                    calendarGroupId: mailbox.calendarGroups[0]?.id ?? null,
                });
            }
        });
        fixture.groups.forEach((g, i) => {
            const memberIds = g.members.map((m, j) => {
                const user = this.findUser(m);
                if (!user) throw new FixtureError(`unknown group member ${m}`, ['groups', i, 'members', j]);
                return user.id;
            });
            const mail = g.mail ?? `${g.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '')}@${this.domain}`;
            this.groups.push({ id: g.id, displayName: g.displayName, mail, memberIds });
            this.newMailbox(g.id, 'group', mail, g.displayName);
        });
        for (const a of fixture.applications) {
            this.applications.push({
                clientId: a.clientId,
                displayName: a.displayName ?? a.clientId,
                secret: a.secret,
                roles: [...a.roles],
            });
        }
        fixture.events.forEach((e, i) => this.seedEvent(e, i));
        fixture.bookingBusinesses.forEach((b, i) => {
            const staffMembers = b.staffMembers.map((s) => ({
                id: s.id ?? stableGuid('staff', b.id, s.emailAddress),
                displayName: s.displayName,
                emailAddress: s.emailAddress,
                role: s.role,
            }));
            const business: BookingBusiness = {
                id: b.id,
                displayName: b.displayName,
                timeZone: b.timeZone,
                phone: b.phone ?? '',
                staffMembers,
                appointments: new Map(),
            };
            b.appointments.forEach((a, j) => {
                const staffMemberIds = a.staff.map((ref, k) => {
                    const staff = staffMembers.find(
                        (s) => s.id === ref || s.emailAddress.toLowerCase() === ref.toLowerCase(),
                    );
                    if (!staff) {
                        throw new FixtureError(`unknown staff member ${ref}`, [
                            'bookingBusinesses',
                            i,
                            'appointments',
                            j,
                            'staff',
                            k,
                        ]);
                    }
                    return staff.id;
                });
                const id = a.id ?? stableId('appointment', b.id, String(j), a.serviceName);
                const created = Date.now();
                business.appointments.set(id, {
                    id,
                    serviceId: a.serviceId ?? stableGuid('service', b.id, a.serviceName),
                    serviceName: a.serviceName,
                    serviceNotes: a.serviceNotes ?? '',
                    start: Date.parse(a.start),
                    end: Date.parse(a.end),
                    staffMemberIds,
                    customers: a.customers.map((c) => ({
                        customerId: c.customerId ?? stableGuid('customer', b.id, c.emailAddress),
                        name: c.name,
                        emailAddress: c.emailAddress,
                        phone: c.phone ?? '',
                        timeZone: c.timeZone ?? 'UTC',
                        notes: c.notes ?? '',
                    })),
                    customerTimeZone: a.customerTimeZone ?? 'UTC',
                    createdDateTime: created,
                    lastUpdatedDateTime: created,
                });
            });
            this.businesses.push(business);
        });
    }

    private newMailbox(id: string, kind: 'user' | 'group', address: string, displayName: string): Mailbox {
        const groupId = stableId('calendarGroup', id, 'My Calendars');
        const mailbox: Mailbox = {
            id,
            kind,
            address,
            displayName,
            calendarGroups:
                kind === 'user'
                    ? [
                          {
                              id: groupId,
                              name: 'My Calendars',
                              classId: stableGuid('class', id),
                              changeKey: newChangeKey(),
                          },
                      ]
                    : [],
            calendars: [
                {
                    id: stableId('calendar', id, 'Calendar'),
                    name: 'Calendar',
                    isDefault: true,
                    calendarGroupId: kind === 'user' ? groupId : null,
                },
            ],
            items: new Map(),
        };
        this.mailboxes.set(id, mailbox);
        return mailbox;
    }

    findUser(ref: string): User | undefined {
        const lower = ref.toLowerCase();
        return this.users.find((u) => u.id.toLowerCase() === lower || u.userPrincipalName.toLowerCase() === lower);
    }

    findGroup(ref: string): Group | undefined {
        const lower = ref.toLowerCase();
        return this.groups.find((g) => g.id.toLowerCase() === lower || g.mail.toLowerCase() === lower);
    }

    findBusiness(ref: string): BookingBusiness | undefined {
        const lower = ref.toLowerCase();
        return this.businesses.find((b) => b.id.toLowerCase() === lower);
    }

    /** The mailbox of a user (id or UPN) or group (id or mail). */
    findMailbox(ref: string): Mailbox | undefined {
        const owner = this.findUser(ref) ?? this.findGroup(ref);
        return owner ? this.mailboxes.get(owner.id) : undefined;
    }

    private mailboxByAddress(address: string): Mailbox | undefined {
        const lower = address.toLowerCase();
        for (const m of this.mailboxes.values()) {
            if (m.address.toLowerCase() === lower) return m;
        }
        return this.findMailbox(address);
    }

    private seedEvent(e: FixtureEvent, index: number): void {
        const path = ['events', index];
        const mailbox = this.findMailbox(e.organizer);
        if (!mailbox) throw new FixtureError(`unknown organizer ${e.organizer}`, [...path, 'organizer']);
        const calendar = e.calendar
            ? mailbox.calendars.find((c) => c.id === e.calendar || c.name.toLowerCase() === e.calendar?.toLowerCase())
            : mailbox.calendars.find((c) => c.isDefault);
        if (!calendar) throw new FixtureError(`unknown calendar ${e.calendar ?? ''}`, [...path, 'calendar']);
        const start = Date.parse(e.start);
        const end = Date.parse(e.end);
        if (end < start) throw new FixtureError('end is before start', [...path, 'end']);
        const organizer = { name: mailbox.displayName, address: mailbox.address };
        const attendees: Attendee[] = e.attendees.map((a) => {
            const spec = typeof a === 'string' ? { address: a } : a;
            const user = this.findUser(spec.address);
            return {
                type: typeof a === 'string' ? 'required' : (a.type ?? 'required'),
                response: typeof a === 'string' ? 'none' : (a.response ?? 'none'),
                emailAddress: {
                    name: typeof a !== 'string' && a.name ? a.name : (user?.displayName ?? spec.address),
                    address: user?.mail ?? spec.address,
                },
            };
        });
        const masterId = e.id ?? stableId('event', mailbox.id, String(index), e.subject);
        const uid = (suffix: string): string =>
            `040000008200E00074C5B7101A82E008${createHash('sha256').update(`${mailbox.id}|${masterId}${suffix}`).digest('hex').toUpperCase()}`;
        const now = Date.now();
        const base = (over: Partial<EventItem>): EventItem => ({
            id: masterId,
            previousIds: [],
            mailboxId: mailbox.id,
            calendarId: calendar.id,
            state: 'active',
            type: 'singleInstance',
            seriesMasterId: null,
            occurrenceIndex: null,
            originalStart: null,
            iCalUId: uid(''),
            subject: e.subject,
            body: e.body ?? '',
            location: e.location ?? '',
            start,
            end,
            recurrence: null,
            organizer,
            attendees,
            categories: [...e.categories],
            isOrganizer: true,
            isCancelled: false,
            responseStatus: { response: 'organizer', time: noResponseTime },
            changeKey: newChangeKey(),
            createdDateTime: now,
            lastModifiedDateTime: now,
            cancelledOccurrences: [],
            ...over,
        });
        const organizerItems: EventItem[] = [];
        if (!e.recurrence) {
            if (e.exceptions.length > 0)
                throw new FixtureError('exceptions need a recurrence', [...path, 'exceptions']);
            organizerItems.push(base({}));
        } else {
            const r = e.recurrence;
            const startDay = new Date(start);
            const master = base({
                type: 'seriesMaster',
                recurrence: {
                    interval: r.interval,
                    numberOfOccurrences: r.numberOfOccurrences,
                    dayOfWeek: dayNames[startDay.getUTCDay()] ?? 'monday',
                    startDate: startDay.toISOString().slice(0, 10),
                },
            });
            organizerItems.push(master);
            for (let k = 0; k < r.numberOfOccurrences; k++) {
                const originalStart = start + k * r.interval * week;
                const exception = e.exceptions.find((x) => x.index === k);
                organizerItems.push(
                    base({
                        id: stableId('occurrence', masterId, String(k)),
                        type: exception ? 'exception' : 'occurrence',
                        seriesMasterId: masterId,
                        occurrenceIndex: k,
                        originalStart,
                        iCalUId: uid(`#${k}`),
                        subject: exception?.subject ?? e.subject,
                        start: exception?.start ? Date.parse(exception.start) : originalStart,
                        end: exception?.end ? Date.parse(exception.end) : originalStart + (end - start),
                    }),
                );
            }
            e.exceptions.forEach((x, j) => {
                if (x.index >= r.numberOfOccurrences) {
                    throw new FixtureError('exception index beyond the series', [...path, 'exceptions', j, 'index']);
                }
            });
        }
        for (const item of organizerItems) {
            if (mailbox.items.has(item.id)) throw new FixtureError(`duplicate event id ${item.id}`, [...path, 'id']);
            mailbox.items.set(item.id, item);
        }
        // Copies in the attendees' mailboxes: own ids, same iCalUId, isOrganizer false.
        for (const attendee of attendees) {
            const target = this.mailboxByAddress(attendee.emailAddress.address);
            if (!target || target.id === mailbox.id) continue;
            const targetCalendar = target.calendars.find((c) => c.isDefault);
            if (!targetCalendar) continue;
            const copyId = (id: string): string => stableId('copy', target.id, id);
            for (const item of organizerItems) {
                const copy: EventItem = {
                    ...item,
                    id: copyId(item.id),
                    previousIds: [],
                    mailboxId: target.id,
                    calendarId: targetCalendar.id,
                    seriesMasterId: item.seriesMasterId ? copyId(item.seriesMasterId) : null,
                    categories: [...item.categories],
                    isOrganizer: false,
                    responseStatus: { response: attendee.response, time: noResponseTime },
                    changeKey: newChangeKey(),
                    cancelledOccurrences: [],
                };
                target.items.set(copy.id, copy);
            }
        }
    }
}
