import type { BookingSnapshot } from '../../src/domain/feed/bookingSnapshot';
import { type BookingsFeedGraph, type BookingSnapshotStore, pollBookings } from '../../src/domain/feed/bookingsPoll';
import { handleFeedChanges } from '../../src/domain/feed/handleFeedChange';
import type { NotificationMessage } from '../../src/domain/notifications/notificationMessage';
import { FakeFeedGraph } from '../support/fakes/fakeFeedGraph';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { MemoryFeedChangeQueue } from '../support/fakes/memoryFeedChangeQueue';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const business = 'contosolunch@contoso.test';
const day = 86_400_000;

/** A Bookings business at the port: its appointments by id (some beyond the window), and the reads made. */
class FakeBookings implements BookingsFeedGraph {
    readonly appointments = new Map<string, BookingSnapshot>();
    readonly reads: string[] = [];
    unavailable = false;

    listBusinesses() {
        return Promise.resolve([business]);
    }
    calendarView(businessId: string, start: string, end: string) {
        this.reads.push(`calendarView ${businessId}`);
        if (this.unavailable) return Promise.reject(new Error('503 Retry-After exceeded the deadline'));
        return Promise.resolve(
            [...this.appointments.values()].filter(
                (a) => Date.parse(a.start) < Date.parse(end) && Date.parse(a.end ?? a.start) > Date.parse(start),
            ),
        );
    }
    appointmentExists(_businessId: string, id: string) {
        this.reads.push(`GET ${id}`);
        return Promise.resolve(this.appointments.has(id));
    }
}

class MemorySnapshots implements BookingSnapshotStore {
    readonly rows = new Map<string, BookingSnapshot>();
    writes = 0;
    list() {
        return Promise.resolve([...this.rows.values()].map((row) => structuredClone(row)));
    }
    replace(_t: string, _b: string, changed: readonly BookingSnapshot[], goneIds: readonly string[]) {
        for (const row of changed) this.rows.set(row.id, structuredClone(row));
        for (const id of goneIds) this.rows.delete(id);
        this.writes += changed.length + goneIds.length;
        return Promise.resolve();
    }
}

function setup() {
    let nowMs = Date.parse('2026-12-04T09:00:00.000Z');
    const clock = { now: () => new Date(nowMs) };
    const graph = new FakeBookings();
    const snapshots = new MemorySnapshots();
    const queue = new MemoryFeedChangeQueue();
    const records = new MemoryCancellationStore();
    const deps = {
        tenantId,
        businesses: [business],
        windowMs: 90 * day,
        graph,
        snapshots,
        records,
        queue,
        clock,
        log: () => undefined,
    };
    const appointment = (id: string, inDays: number): BookingSnapshot => ({
        id,
        businessId: business,
        serviceName: 'Lunch for two',
        start: new Date(nowMs + inDays * day).toISOString(),
        end: new Date(nowMs + inDays * day + 3_600_000).toISOString(),
        customers: [{ name: 'Erin', address: 'erin@example.test', phone: '+1 555 0100', type: 'customer' }],
    });
    return { graph, snapshots, queue, records, deps, appointment, advance: (ms: number) => (nowMs += ms) };
}

describe('the Bookings poll', () => {
    it('sends an appointment that vanished before its start, with its snapshot; the worker records it', async () => {
        const { graph, queue, records, deps, appointment } = setup();
        const lunch = appointment('AAMkLunch=', 3);
        graph.appointments.set(lunch.id, lunch);
        graph.appointments.set('AAMkOther=', appointment('AAMkOther=', 5));
        expect(await pollBookings(deps)).toMatchObject({ appointments: 2, cancelled: 0 });
        expect(queue.messages).toEqual([]);

        graph.appointments.delete(lunch.id); // cancelled in Bookings
        expect(await pollBookings(deps)).toMatchObject({ appointments: 1, cancelled: 1 });

        expect(queue.messages).toEqual([
            expect.objectContaining({ kind: 'bookingAppointment', businessId: business, appointmentId: lunch.id }),
        ]);
        const sent: NotificationMessage[] = [];
        const worker = {
            store: records,
            notifications: { enqueue: (m: NotificationMessage) => Promise.resolve(void sent.push(m)) },
            clock: deps.clock,
            log: () => undefined,
            graph: new FakeFeedGraph(),
            directory: { findUser: () => Promise.resolve(null) },
            newId: () => 'rec-1',
        };
        expect((await handleFeedChanges(queue.messages[0]!, worker)).map(({ result }) => result.outcome)).toEqual([
            'recorded',
        ]);
        expect(records.records.get(`${tenantId}/rec-1`)?.value).toMatchObject({
            origin: 'bookings',
            audience: lunch.customers,
        });
        expect(sent.map((m) => m.type)).toEqual(['bookingAppointment.cancelled']);
    });

    it('does not report an appointment whose start passed or that moved out of the window', async () => {
        const { graph, queue, deps, appointment, advance } = setup();
        const soon = appointment('AAMkSoon=', 0.5);
        const moved = appointment('AAMkMoved=', 10);
        graph.appointments.set(soon.id, soon);
        graph.appointments.set(moved.id, moved);
        await pollBookings(deps);

        graph.appointments.set(moved.id, { ...moved, start: appointment('x', 120).start, end: undefined });
        advance(day); // `soon` has started and ended: it leaves the view
        expect(await pollBookings(deps)).toMatchObject({ cancelled: 0, ended: 1, moved: 1 });
        expect(queue.messages).toEqual([]);
    });

    it('does not send an appointment the gateway cancelled', async () => {
        const { graph, queue, records, deps, appointment } = setup();
        const lunch = appointment('AAMkLunch=', 3);
        graph.appointments.set(lunch.id, lunch);
        await pollBookings(deps);
        records.seed({
            id: 'gateway-1',
            tenantId,
            kind: 'bookingAppointment',
            state: 'accepted',
            createdAt: '2026-12-04T09:01:00.000Z',
            updatedAt: '2026-12-04T09:01:00.000Z',
            actor: { kind: 'user', objectId: 'staff', appId: 'app', basis: 'staff' },
            resource: {
                version: 'v1.0',
                graphPath: '/solutions/bookingBusinesses/b/appointments/a',
                resourceKey: `bookingAppointment|${business}|${lunch.id}`,
                mailbox: business,
            },
            audience: [],
            graphRequestIds: [],
            attempts: 1,
            notificationPending: false,
        });
        graph.appointments.delete(lunch.id);

        expect(await pollBookings(deps)).toMatchObject({ cancelled: 0 });
        expect(queue.messages).toEqual([]);
    });

    it('costs one calendar view a tick, writes only changed rows, and reads an appointment only when it vanished', async () => {
        const { graph, snapshots, deps, appointment } = setup();
        for (let i = 0; i < 50; i++) graph.appointments.set(`A${i}`, appointment(`A${i}`, 1 + i));
        await pollBookings(deps);
        expect(snapshots.writes).toBe(50);
        graph.reads.length = 0;

        await pollBookings(deps);
        expect(graph.reads).toEqual([`calendarView ${business}`]);
        expect(snapshots.writes).toBe(50);

        graph.appointments.delete('A7');
        await pollBookings(deps);
        expect(graph.reads.slice(1)).toEqual([`calendarView ${business}`, 'GET A7']);
        expect(snapshots.writes).toBe(51);
    });

    it('leaves a business whose calendar view fails (throttled past Retry-After) for the next tick, snapshot intact', async () => {
        const { graph, snapshots, queue, deps, appointment } = setup();
        graph.appointments.set('A1', appointment('A1', 2));
        await pollBookings(deps);
        graph.unavailable = true;
        graph.appointments.delete('A1');

        expect(await pollBookings(deps)).toMatchObject({ failed: 1, cancelled: 0 });
        expect([...snapshots.rows.keys()]).toEqual(['A1']);

        graph.unavailable = false;
        expect(await pollBookings(deps)).toMatchObject({ cancelled: 1 });
        expect(queue.messages).toHaveLength(1);
    });
});
