import { appointmentPath, eventPath, lookupUrl } from '../../src/adapters/graph/graphAddress';
import type { EventCollection, EventLocator } from '../../src/domain/cancellation/graphPorts';

const inAlicesMailbox = (collection: EventCollection): EventLocator => ({
    version: 'v1.0',
    mailbox: { kind: 'user', userId: 'alice@contoso.test' },
    collection,
    eventId: 'AAMkAD/x+y=',
});

describe('Graph addressing (the only place Graph paths are spelled)', () => {
    it.each<[string, EventCollection, string]>([
        ['events', { kind: 'events' }, '/events/AAMkAD%2Fx%2By%3D'],
        ['the default calendar', { kind: 'defaultCalendar' }, '/calendar/events/AAMkAD%2Fx%2By%3D'],
        ['a calendar', { kind: 'calendar', calendarId: 'CAL 1' }, '/calendars/CAL%201/events/AAMkAD%2Fx%2By%3D'],
        [
            'a calendar in the default calendar group (by the calendar id alone)',
            { kind: 'calendar', calendarId: 'CAL1', calendarGroup: { kind: 'default' } },
            '/calendars/CAL1/events/AAMkAD%2Fx%2By%3D',
        ],
        [
            'a calendar in a calendar group',
            { kind: 'calendar', calendarId: 'CAL1', calendarGroup: { kind: 'byId', calendarGroupId: 'G/1' } },
            '/calendarGroups/G%2F1/calendars/CAL1/events/AAMkAD%2Fx%2By%3D',
        ],
        ['the calendar view', { kind: 'calendarView' }, '/calendarView/AAMkAD%2Fx%2By%3D'],
        [
            'an occurrence of a series',
            { kind: 'instances', seriesMasterId: 'M=' },
            '/events/M%3D/instances/AAMkAD%2Fx%2By%3D',
        ],
    ])('addresses an event through %s, every id URL-encoded', (_form, collection, below) => {
        expect(eventPath(inAlicesMailbox(collection))).toBe(`/users/alice%40contoso.test${below}`);
    });

    it("addresses a group's event through the group, and a recorded event by the path its record keeps", () => {
        const groupEvent: EventLocator = {
            version: 'beta',
            mailbox: { kind: 'group', groupId: 'g1' },
            collection: { kind: 'calendarView' },
            eventId: 'E1',
        };
        expect(eventPath(groupEvent)).toBe('/groups/g1/calendarView/E1');
        expect(eventPath({ version: 'v1.0', graphPath: '/users/u1/calendars/C/events/E1' })).toBe(
            '/users/u1/calendars/C/events/E1',
        );
    });

    it('looks events up with $select=id,isCancelled and appointments by their path', () => {
        const appointment = { version: 'v1.0' as const, businessId: 'shop@contoso.test', appointmentId: 'AP/1' };
        expect(appointmentPath(appointment)).toBe(
            '/solutions/bookingBusinesses/shop%40contoso.test/appointments/AP%2F1',
        );
        expect(lookupUrl({ kind: 'event', event: { version: 'v1.0', graphPath: '/users/u1/events/E1' } })).toBe(
            '/users/u1/events/E1?$select=id,isCancelled',
        );
        expect(lookupUrl({ kind: 'bookingAppointment', appointment })).toBe(appointmentPath(appointment));
    });
});
