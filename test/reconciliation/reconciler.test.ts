import { appointmentPath, eventAddress, eventPath, lookupUrl } from '../../src/adapters/graph/graphAddress';
import type {
    AppointmentLocator,
    AppointmentSnapshot,
    BookingsGraph,
    CalendarGraph,
    EventLocator,
    EventSnapshot,
    GraphReceipt,
    RecordedEvent,
} from '../../src/domain/cancellation/graphPorts';
import { owedNotificationRecheckMs } from '../../src/domain/cancellation/outbox';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import type { NotificationMessage } from '../../src/domain/notifications/notificationMessage';
import type { LookupAnswer, LookupReport } from '../../src/domain/reconciliation/graphLookups';
import {
    cancelRetryDelaysMs,
    emptySummary,
    reconcile,
    type ReconcileDeps,
    type ReconcileSettings,
    type ReconcileSummary,
} from '../../src/domain/reconciliation/reconciler';
import { UpstreamError } from '../../src/errors/upstreamError';
import { MemoryBulkJobStore } from '../support/fakes/memoryBulkJobStore';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import type { Stored } from '../../src/domain/shared/stored';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const t0 = Date.parse('2026-11-22T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const minute = 60_000;

const defaults: ReconcileSettings = {
    budgetMs: 5 * minute,
    verifyDelayMs: 10 * minute,
    maxCancelAttempts: 3,
    repairDrift: true,
    pageSize: 50,
    cancelRetryDelaysMs,
};

const actor = { kind: 'user' as const, objectId: 'a11ce', userPrincipalName: 'alice@contoso.test', appId: 'app' };

function eventRecord(id: string, overrides: Partial<CancellationRecord> = {}): CancellationRecord {
    return {
        id,
        tenantId,
        kind: 'event',
        state: 'pending',
        createdAt: iso(t0 - 60 * minute),
        updatedAt: iso(t0 - 60 * minute),
        actor,
        resource: {
            version: 'v1.0',
            graphPath: `/users/a11ce/events/${id}`,
            resourceKey: `a11ce/${id}`,
            mailbox: 'alice@contoso.test',
            eventId: id,
        },
        comment: 'Sorry',
        audience: [{ name: 'Bob', address: 'bob@contoso.test', type: 'required', response: 'accepted' }],
        graphRequestIds: ['req-0'],
        attempts: 1,
        notificationPending: false,
        nextCheckAt: iso(t0 - minute),
        ...overrides,
    };
}

function bookingRecord(id: string, overrides: Partial<CancellationRecord> = {}): CancellationRecord {
    return eventRecord(id, {
        kind: 'bookingAppointment',
        comment: undefined,
        cancellationMessage: 'The clinic is closed',
        resource: {
            version: 'beta',
            graphPath: `/solutions/bookingBusinesses/shop%40contoso.test/appointments/${id}`,
            resourceKey: `shop@contoso.test/${id}`,
            mailbox: 'shop@contoso.test',
            businessId: 'shop@contoso.test',
            appointmentId: id,
        },
        audience: [{ name: 'Carol', address: 'carol@contoso.test', type: 'customer', phone: '+1 555 0100' }],
        ...overrides,
    });
}

const gone: LookupAnswer = { status: 404, body: { error: { code: 'ErrorItemNotFound' } } };
const cancelled: LookupAnswer = { status: 200, body: { id: 'x', isCancelled: true } };
const active: LookupAnswer = { status: 200, body: { id: 'x', isCancelled: false } };
const forbidden: LookupAnswer = { status: 403, body: { error: { code: 'ErrorAccessDenied' } } };

const unavailable = () => new UpstreamError(503, 'serviceNotAvailable', 'Graph is unavailable', 'unknown', 'g-503');

/** Answers per record id; an id scripted `unfinished` (or the whole call, with `allUnfinished`) gets no answer. */
class FakeLookups {
    readonly script = new Map<string, LookupAnswer | 'unfinished'>();
    readonly calls: Array<{ ids: string[]; urls: string[]; mailboxes: string[]; deadline: number }> = [];
    /** Await a macrotask before answering, so concurrent passes interleave. */
    interleave = false;

    readonly fn: ReconcileDeps['lookups'] = async (items, { deadline }) => {
        this.calls.push({
            ids: items.map((i) => i.id),
            // The URLs the Graph adapter makes of the lookups.
            urls: items.map((i) => `${i.version}${lookupUrl(i.target)}`),
            mailboxes: items.map((i) => i.mailbox),
            deadline,
        });
        if (this.interleave) await new Promise<void>((resolve) => setImmediate(resolve));
        const answers = new Map<string, LookupAnswer>();
        const unfinished: string[] = [];
        for (const item of items) {
            const answer = this.script.get(item.id);
            if (answer === 'unfinished') unfinished.push(item.id);
            else if (answer) answers.set(item.id, answer);
        }
        const report: LookupReport = { answers, unfinished, graphCalls: 1, throttled: 0 };
        return report;
    };

    set(answer: LookupAnswer | 'unfinished', ...ids: string[]): void {
        for (const id of ids) this.script.set(id, answer);
    }
}

/** A scripted Calendar + Bookings Graph: records every call; each cancel takes the next outcome (default success). */
class ScriptedGraph implements CalendarGraph, BookingsGraph {
    readonly calls: string[] = [];
    /** Outcomes of the next cancel calls, in order: an error to throw, or `undefined` for success. */
    readonly outcomes: Array<UpstreamError | undefined> = [];
    /** Runs inside each cancel call, before it answers (e.g. to advance the clock or start another pass). */
    during: ((call: number) => Promise<void> | void) | undefined;

    eventPath(locator: EventLocator): string {
        return eventPath(locator);
    }
    appointmentPath(appointment: AppointmentLocator): string {
        return appointmentPath(appointment);
    }

    getEvent(event: EventLocator | RecordedEvent): Promise<EventSnapshot & GraphReceipt> {
        return Promise.reject(new Error(`reconciliation must not GET ${eventPath(event)}`));
    }

    getAppointment({ businessId, appointmentId }: AppointmentLocator): Promise<AppointmentSnapshot & GraphReceipt> {
        return Promise.reject(new Error(`reconciliation must not GET ${businessId}/${appointmentId}`));
    }

    cancelEvent(event: EventLocator | RecordedEvent, comment: string | undefined): Promise<GraphReceipt> {
        this.calls.push(`cancelEvent ${event.version} ${eventAddress(event).path} comment=${comment ?? '-'}`);
        return this.answer();
    }

    cancelAppointment({ version, businessId, appointmentId }: AppointmentLocator, message: string) {
        this.calls.push(`cancelAppointment ${version} ${businessId}/${appointmentId} message=${message}`);
        return this.answer();
    }

    private async answer(): Promise<GraphReceipt> {
        const call = this.calls.length;
        await this.during?.(call);
        const error = this.outcomes.shift();
        if (error) throw error;
        return { requestId: `cancel-${call}` };
    }
}

const zero: ReconcileSummary = emptySummary();

function setup(settings: Partial<ReconcileSettings> = {}) {
    const store = new MemoryCancellationStore();
    const lookups = new FakeLookups();
    const graph = new ScriptedGraph();
    const sent: NotificationMessage[] = [];
    const logs: string[] = [];
    let queueDown = false;
    let nowMs = t0;
    const deps: ReconcileDeps = {
        store,
        notifications: {
            enqueue: (message) => {
                if (queueDown) return Promise.reject(new Error('queue down'));
                sent.push(message);
                return Promise.resolve();
            },
        },
        log: (message) => void logs.push(message),
        lookups: lookups.fn,
        jobs: new MemoryBulkJobStore(),
        calendar: graph,
        bookings: graph,
        clock: { now: () => new Date(nowMs) },
        settings: { ...defaults, ...settings },
    };
    const read = async (id: string): Promise<Stored<CancellationRecord>> => {
        const stored = await store.get(tenantId, id);
        if (!stored) throw new Error(`no record ${id}`);
        return stored;
    };
    return {
        store,
        lookups,
        graph,
        sent,
        logs,
        deps,
        read,
        state: async (id: string) => (await read(id)).value,
        types: () => sent.map((m) => m.type),
        seed: (...records: CancellationRecord[]) => Promise.all(records.map((r) => store.create(r))),
        advance: (ms: number) => void (nowMs += ms),
        now: () => nowMs,
        breakQueue: (down = true) => void (queueDown = down),
        run: () => reconcile(tenantId, deps),
    };
}

describe('reconcile: pending records the HTTP path left', () => {
    it('finds a gone event done: accepted with one event.cancelled, then verified on the next pass', async () => {
        const t = setup();
        await t.seed(eventRecord('p1'));
        t.lookups.set(gone, 'p1');

        const first = await t.run();

        expect(first).toEqual({ ...zero, checked: 1, finished: 1, graphCalls: 1 });
        expect(t.lookups.calls).toEqual([
            {
                ids: ['p1'],
                urls: ['v1.0/users/a11ce/events/p1?$select=id,isCancelled'],
                mailboxes: ['alice@contoso.test'],
                deadline: t0 + defaults.budgetMs,
            },
        ]);
        expect(t.graph.calls).toEqual([]);
        expect(await t.state('p1')).toMatchObject({
            state: 'accepted',
            attempts: 1,
            notificationPending: false,
            updatedAt: iso(t0),
            nextCheckAt: iso(t0 + defaults.verifyDelayMs),
            graphRequestIds: ['req-0'],
        });
        expect(t.sent).toEqual([
            {
                schemaVersion: 1,
                messageId: 'p1.event.cancelled',
                type: 'event.cancelled',
                tenantId,
                cancellationId: 'p1',
                occurredAt: iso(t0),
            },
        ]);

        // Nothing is due before the verify delay.
        t.advance(defaults.verifyDelayMs - 1);
        expect(await t.run()).toEqual(zero);
        expect(t.lookups.calls).toHaveLength(1);

        t.advance(1);
        const second = await t.run();

        expect(second).toEqual({ ...zero, checked: 1, verified: 1, graphCalls: 1 });
        const verified = await t.state('p1');
        expect(verified).toMatchObject({ state: 'verified', notificationPending: false, attempts: 1 });
        expect(verified.nextCheckAt).toBeUndefined();
        expect(t.types()).toEqual(['event.cancelled', 'cancellation.verified']);
        expect(t.sent[1]).toMatchObject({ messageId: 'p1.cancellation.verified', cancellationId: 'p1' });
        expect(t.graph.calls).toEqual([]);

        // Final: never due again.
        t.advance(365 * 24 * 60 * minute);
        expect(await t.run()).toEqual(zero);
    });

    it('finds an event Graph shows isCancelled done the same way', async () => {
        const t = setup();
        await t.seed(eventRecord('p1'));
        t.lookups.set(cancelled, 'p1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, finished: 1, graphCalls: 1 });
        expect(await t.state('p1')).toMatchObject({ state: 'accepted', nextCheckAt: iso(t0 + defaults.verifyDelayMs) });
        expect(t.types()).toEqual(['event.cancelled']);
        expect(t.graph.calls).toEqual([]);

        t.advance(defaults.verifyDelayMs);
        expect(await t.run()).toEqual({ ...zero, checked: 1, verified: 1, graphCalls: 1 });
        expect((await t.state('p1')).state).toBe('verified');
        expect(t.types()).toEqual(['event.cancelled', 'cancellation.verified']);
    });

    it('finds a gone booking done with bookingAppointment.cancelled, looking it up without $select', async () => {
        const t = setup();
        await t.seed(bookingRecord('b1'));
        t.lookups.set(gone, 'b1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, finished: 1, graphCalls: 1 });
        expect(t.lookups.calls[0]?.urls).toEqual([
            'beta/solutions/bookingBusinesses/shop%40contoso.test/appointments/b1',
        ]);
        expect(t.lookups.calls[0]?.mailboxes).toEqual(['shop@contoso.test']);
        expect(await t.state('b1')).toMatchObject({ state: 'accepted', nextCheckAt: iso(t0 + defaults.verifyDelayMs) });
        expect(t.types()).toEqual(['bookingAppointment.cancelled']);
    });

    it('cancels an active event again: accepted, attempts + 1, request id kept, one event.cancelled', async () => {
        const t = setup();
        await t.seed(eventRecord('p1', { lastError: { status: 504, code: 'timeout', message: 'timed out' } }));
        t.lookups.set(active, 'p1');

        const summary = await t.run();

        expect(summary).toEqual({ ...zero, checked: 1, finished: 1, graphCalls: 2 });
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/p1 comment=Sorry']);
        const record = await t.state('p1');
        expect(record).toMatchObject({
            state: 'accepted',
            attempts: 2,
            graphRequestIds: ['req-0', 'cancel-1'],
            notificationPending: false,
            nextCheckAt: iso(t0 + defaults.verifyDelayMs),
        });
        expect(record.lastError).toBeUndefined();
        expect(t.types()).toEqual(['event.cancelled']);
    });

    it('records its own cancel attempt in the history, and leaves alone a record a request is cancelling now', async () => {
        const t = setup();
        const asked = { actor: eventRecord('x').actor, at: iso(t0), outcome: 'unknown' as const };
        await t.seed(
            eventRecord('p1', { history: [asked] }),
            eventRecord('p2', { history: [{ ...asked, outcome: 'inFlight' }] }),
        );
        t.lookups.set(active, 'p1', 'p2');

        await t.run();
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/p1 comment=Sorry']);
        expect((await t.state('p1')).history).toEqual([
            asked,
            expect.objectContaining({ by: 'reconciliation', at: iso(t0), outcome: 'accepted' }),
        ]);
        expect(await t.state('p2')).toMatchObject({ state: 'pending', attempts: 1 });
    });

    it('treats a booking that still answers 200 as active (isCancelled is only read for events)', async () => {
        const t = setup();
        await t.seed(bookingRecord('b1', { attempts: 0 }));
        t.lookups.set(cancelled, 'b1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, finished: 1, graphCalls: 2 });
        expect(t.graph.calls).toEqual(['cancelAppointment beta shop@contoso.test/b1 message=The clinic is closed']);
        expect(await t.state('b1')).toMatchObject({ state: 'accepted', attempts: 1 });
        expect(t.types()).toEqual(['bookingAppointment.cancelled']);
    });

    it('retries a failing cancel with backoff (1 min, 5 min) and fails it at maxCancelAttempts', async () => {
        const t = setup();
        await t.seed(eventRecord('p1', { attempts: 0, graphRequestIds: [] }));
        t.lookups.set(active, 'p1');
        t.graph.outcomes.push(unavailable(), unavailable(), unavailable());

        expect(await t.run()).toEqual({ ...zero, checked: 1, graphCalls: 2 });
        expect(await t.state('p1')).toMatchObject({
            state: 'pending',
            attempts: 1,
            nextCheckAt: iso(t0 + minute),
            lastError: { status: 503, code: 'serviceNotAvailable', message: 'Graph is unavailable' },
            notificationPending: false,
            graphRequestIds: [],
        });
        expect(t.sent).toEqual([]);

        t.advance(minute - 1);
        expect(await t.run()).toEqual(zero);
        t.advance(1);
        expect(await t.run()).toEqual({ ...zero, checked: 1, graphCalls: 2 });
        expect(await t.state('p1')).toMatchObject({ state: 'pending', attempts: 2, nextCheckAt: iso(t0 + 6 * minute) });
        expect(t.sent).toEqual([]);

        t.advance(5 * minute);
        expect(await t.run()).toEqual({ ...zero, checked: 1, failed: 1, graphCalls: 2 });
        const failed = await t.state('p1');
        expect(failed).toMatchObject({ state: 'failed', attempts: 3, notificationPending: false });
        expect(failed.lastError).toMatchObject({ status: 503 });
        expect(failed.nextCheckAt).toBeUndefined();
        expect(t.types()).toEqual(['cancellation.failed']);
        expect(t.graph.calls).toHaveLength(3);

        t.advance(24 * 60 * minute);
        expect(await t.run()).toEqual(zero);
        expect(t.graph.calls).toHaveLength(3);
    });

    it('follows configured cancel retry delays (RECONCILE_RETRY_DELAYS_SECONDS), repeating the last one', async () => {
        const t = setup({ cancelRetryDelaysMs: [2_000], maxCancelAttempts: 4 });
        await t.seed(eventRecord('p1', { attempts: 0, graphRequestIds: [] }));
        t.lookups.set(active, 'p1');
        t.graph.outcomes.push(unavailable(), unavailable(), unavailable());

        await t.run();
        expect(await t.state('p1')).toMatchObject({ state: 'pending', attempts: 1, nextCheckAt: iso(t0 + 2_000) });
        t.advance(2_000);
        await t.run();
        expect(await t.state('p1')).toMatchObject({ state: 'pending', attempts: 2, nextCheckAt: iso(t0 + 4_000) });
    });

    it('fails a booking at the last attempt, cancelling it with its stored cancellationMessage', async () => {
        const t = setup({ maxCancelAttempts: 3 });
        await t.seed(bookingRecord('b1', { attempts: 2 }));
        t.lookups.set(active, 'b1');
        t.graph.outcomes.push(new UpstreamError(500, 'internalServerError', 'boom', 'unknown', 'g-500'));

        expect(await t.run()).toEqual({ ...zero, checked: 1, failed: 1, graphCalls: 2 });
        expect(t.graph.calls).toEqual(['cancelAppointment beta shop@contoso.test/b1 message=The clinic is closed']);
        const record = await t.state('b1');
        expect(record).toMatchObject({
            state: 'failed',
            attempts: 3,
            lastError: { status: 500, code: 'internalServerError', message: 'boom' },
            notificationPending: false,
        });
        expect(record.nextCheckAt).toBeUndefined();
        expect(t.sent).toEqual([
            expect.objectContaining({
                type: 'cancellation.failed',
                cancellationId: 'b1',
                messageId: 'b1.cancellation.failed',
            }),
        ]);
    });
});

describe('reconcile: accepted records (verification and drift)', () => {
    it('reports drift, then re-cancels when repairDrift is on: repaired, attempts + 1', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(eventRecord('a1', { state: 'accepted' }));
        t.lookups.set(active, 'a1');

        const summary = await t.run();

        expect(summary).toEqual({ ...zero, checked: 1, drifted: 1, repaired: 1, graphCalls: 2 });
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/a1 comment=Sorry']);
        const record = await t.state('a1');
        expect(record).toMatchObject({
            state: 'repaired',
            attempts: 2,
            graphRequestIds: ['req-0', 'cancel-1'],
            notificationPending: false,
        });
        expect(record.nextCheckAt).toBeUndefined();
        // The drift is announced before the repair starts.
        expect(t.sent[0]).toMatchObject({ type: 'cancellation.drifted', cancellationId: 'a1' });
        expect(t.types()).toEqual(['cancellation.drifted']);
    });

    it('only reports drift when repairDrift is off: drifted, nothing due, no Graph cancel', async () => {
        const t = setup({ repairDrift: false });
        await t.seed(eventRecord('a1', { state: 'accepted' }));
        t.lookups.set(active, 'a1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, drifted: 1, graphCalls: 1 });
        expect(t.graph.calls).toEqual([]);
        const record = await t.state('a1');
        expect(record).toMatchObject({ state: 'drifted', attempts: 1, notificationPending: false });
        expect(record.nextCheckAt).toBeUndefined();
        expect(t.types()).toEqual(['cancellation.drifted']);

        t.advance(24 * 60 * minute);
        expect(await t.run()).toEqual(zero);
    });

    it('keeps a drifted record due after a failed repair and repairs it on a later pass', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(eventRecord('a1', { state: 'accepted' }));
        t.lookups.set(active, 'a1');
        t.graph.outcomes.push(unavailable());

        expect(await t.run()).toEqual({ ...zero, checked: 1, drifted: 1, graphCalls: 2 });
        expect(await t.state('a1')).toMatchObject({
            state: 'drifted',
            attempts: 2,
            nextCheckAt: iso(t0 + 5 * minute),
            lastError: { status: 503 },
        });
        expect(t.types()).toEqual(['cancellation.drifted']);

        t.advance(5 * minute);
        expect(await t.run()).toEqual({ ...zero, checked: 1, repaired: 1, graphCalls: 2 });
        const record = await t.state('a1');
        expect(record).toMatchObject({ state: 'repaired', attempts: 3, graphRequestIds: ['req-0', 'cancel-2'] });
        expect(record.nextCheckAt).toBeUndefined();
        expect(record.lastError).toBeUndefined();
        expect(t.graph.calls).toHaveLength(2);
        // No second drifted notification for the same drift.
        expect(t.types()).toEqual(['cancellation.drifted']);
    });

    it('marks a drifted record repaired without a Graph call when the item is gone by then', async () => {
        const t = setup();
        await t.seed(eventRecord('d1', { state: 'drifted', attempts: 2 }));
        t.lookups.set(gone, 'd1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, repaired: 1, graphCalls: 1 });
        expect(t.graph.calls).toEqual([]);
        const record = await t.state('d1');
        expect(record).toMatchObject({ state: 'repaired', attempts: 2 });
        expect(record.nextCheckAt).toBeUndefined();
    });

    it('clears nextCheckAt of a final record that is due anyway, without Graph or notifications', async () => {
        const t = setup();
        await t.seed(eventRecord('v1', { state: 'verified' }), eventRecord('f1', { state: 'failed' }));
        t.lookups.set(active, 'v1', 'f1');

        expect(await t.run()).toEqual({ ...zero, checked: 2, graphCalls: 1 });
        expect(await t.state('v1')).toMatchObject({ state: 'verified', nextCheckAt: undefined });
        expect(await t.state('f1')).toMatchObject({ state: 'failed', nextCheckAt: undefined });
        expect(t.graph.calls).toEqual([]);
        expect(t.sent).toEqual([]);
    });
});

describe('reconcile: stuck notifications', () => {
    it('resends the notification of a flagged record and clears the flag', async () => {
        const t = setup();
        const updatedAt = iso(t0 - 30 * minute);
        await t.seed(eventRecord('n1', { state: 'accepted', notificationPending: true, updatedAt }));
        t.lookups.set(forbidden, 'n1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, notificationsResent: 1, graphCalls: 1 });
        expect(t.sent).toEqual([
            {
                schemaVersion: 1,
                messageId: 'n1.event.cancelled',
                type: 'event.cancelled',
                tenantId,
                cancellationId: 'n1',
                occurredAt: updatedAt,
            },
        ]);
        expect(await t.state('n1')).toMatchObject({ state: 'accepted', notificationPending: false });
    });

    it('resends first, then settles the record in the same pass', async () => {
        const t = setup();
        await t.seed(eventRecord('n1', { state: 'accepted', notificationPending: true }));
        t.lookups.set(gone, 'n1');

        expect(await t.run()).toEqual({ ...zero, checked: 1, notificationsResent: 1, verified: 1, graphCalls: 1 });
        expect(t.types()).toEqual(['event.cancelled', 'cancellation.verified']);
        expect(await t.state('n1')).toMatchObject({ state: 'verified', notificationPending: false });
    });

    it('leaves the flag set and logs when the queue is still down', async () => {
        const t = setup();
        await t.seed(eventRecord('n1', { state: 'accepted', notificationPending: true }));
        t.lookups.set(forbidden, 'n1');
        t.breakQueue();

        expect(await t.run()).toEqual({ ...zero, checked: 1, graphCalls: 1 });
        // The owed message comes first: the record is looked at again soon, whatever its state would do next.
        expect(await t.state('n1')).toMatchObject({
            notificationPending: true,
            nextCheckAt: iso(t0 + owedNotificationRecheckMs),
        });
        expect(t.logs).toEqual([expect.stringContaining('notification for cancellation n1 left for reconciliation')]);

        t.breakQueue(false);
        t.advance(owedNotificationRecheckMs);
        expect(await t.run()).toMatchObject({ notificationsResent: 1 });
        expect(t.types()).toEqual(['event.cancelled']);
        expect((await t.state('n1')).notificationPending).toBe(false);
    });

    it.each([
        ['verified', eventRecord('s1', { state: 'accepted' }), gone, {}],
        ['failed', eventRecord('s1', { attempts: 2 }), active, {}],
        ['drifted', eventRecord('s1', { state: 'accepted' }), active, { repairDrift: false }],
    ] as const)(
        'resends a %s notification whose enqueue failed, on a later pass',
        async (finalState, seeded, answer, settings) => {
            const t = setup(settings);
            await t.seed(seeded);
            t.lookups.set(answer, 's1');
            t.graph.outcomes.push(unavailable());
            t.breakQueue();

            await t.run();
            expect(await t.state('s1')).toMatchObject({ state: finalState, notificationPending: true });
            expect(t.sent).toEqual([]);

            t.breakQueue(false);
            t.advance(24 * 60 * minute);
            await t.run();

            expect(t.types()).toEqual([`cancellation.${finalState}`]);
            expect((await t.state('s1')).notificationPending).toBe(false);
        },
    );

    it('does not move a record on while its notification is still owed, and sends both in order later', async () => {
        const t = setup({ repairDrift: true });
        // Accepted by the HTTP path, whose enqueue failed: event.cancelled is owed.
        await t.seed(eventRecord('n1', { state: 'accepted', notificationPending: true }));
        t.lookups.set(active, 'n1');
        t.breakQueue();
        await t.run();
        expect(await t.state('n1')).toMatchObject({ state: 'accepted', notificationPending: true });
        expect(t.graph.calls).toEqual([]);

        t.breakQueue(false);
        t.advance(owedNotificationRecheckMs);
        await t.run();

        expect(await t.state('n1')).toMatchObject({ state: 'repaired', notificationPending: false });
        expect(t.types()).toEqual(['event.cancelled', 'cancellation.drifted']);
    });
});

describe('reconcile: budget', () => {
    it('leaves ids the lookups could not finish untouched and still due, and stops for the budget', async () => {
        const t = setup();
        await t.seed(
            eventRecord('r1', { nextCheckAt: iso(t0 - 3 * minute) }),
            eventRecord('r2', { nextCheckAt: iso(t0 - 2 * minute) }),
            eventRecord('r3', { nextCheckAt: iso(t0 - minute) }),
        );
        const before = await t.read('r2');
        t.lookups.set(gone, 'r1', 'r3');
        t.lookups.set('unfinished', 'r2');

        expect(await t.run()).toEqual({ ...zero, checked: 2, finished: 2, graphCalls: 1, stoppedForBudget: true });
        expect(t.lookups.calls.map((c) => c.ids)).toEqual([['r1', 'r2', 'r3']]);
        expect(await t.read('r2')).toEqual(before);
        expect((await t.store.listDue(tenantId, iso(t0), 10)).map((r) => r.value.id)).toEqual(['r2']);
        expect(t.types()).toEqual(['event.cancelled', 'event.cancelled']);
        expect(t.graph.calls).toEqual([]);

        // The next tick takes it up.
        t.lookups.set(gone, 'r2');
        expect(await t.run()).toEqual({ ...zero, checked: 1, finished: 1, graphCalls: 1 });
        expect((await t.state('r2')).state).toBe('accepted');
    });

    it('does nothing with no budget', async () => {
        const t = setup({ budgetMs: 0 });
        const [stored] = await t.seed(eventRecord('r1'));
        t.lookups.set(gone, 'r1');

        expect(await t.run()).toEqual({ ...zero, stoppedForBudget: true });
        expect(t.lookups.calls).toEqual([]);
        expect(await t.read('r1')).toEqual(stored);
    });

    it('does nothing when the clock is already past the deadline at the first check', async () => {
        const t = setup();
        const [stored] = await t.seed(eventRecord('r1'));
        t.lookups.set(gone, 'r1');
        const reads = [t0, t0 + defaults.budgetMs];
        const deps: ReconcileDeps = {
            ...t.deps,
            clock: { now: () => new Date(reads.shift() ?? t0 + defaults.budgetMs) },
        };

        const summary = await reconcile(tenantId, deps);

        expect(summary).toEqual({ ...zero, stoppedForBudget: true, durationMs: defaults.budgetMs });
        expect(t.lookups.calls).toEqual([]);
        expect(t.graph.calls).toEqual([]);
        expect(await t.read('r1')).toEqual(stored);
    });

    it('reads page after page while the budget lasts', async () => {
        const t = setup({ pageSize: 2 });
        const ids = ['r1', 'r2', 'r3', 'r4', 'r5'];
        await t.seed(...ids.map((id, i) => eventRecord(id, { nextCheckAt: iso(t0 - (10 - i) * minute) })));
        t.lookups.set(gone, ...ids);

        expect(await t.run()).toEqual({ ...zero, checked: 5, finished: 5, graphCalls: 3 });
        expect(t.lookups.calls.map((c) => c.ids)).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5']]);
    });

    it('stops between pages once the budget is spent', async () => {
        const t = setup({ pageSize: 2 });
        const ids = ['r1', 'r2', 'r3'];
        await t.seed(...ids.map((id, i) => eventRecord(id, { nextCheckAt: iso(t0 - (10 - i) * minute) })));
        t.lookups.set(gone, ...ids);
        const lookups = t.deps.lookups;
        const deps: ReconcileDeps = {
            ...t.deps,
            lookups: async (items, options) => {
                const report = await lookups(items, options);
                t.advance(defaults.budgetMs);
                return report;
            },
        };

        const summary = await reconcile(tenantId, deps);

        expect(summary).toMatchObject({ checked: 2, finished: 2, stoppedForBudget: true });
        expect((await t.state('r3')).state).toBe('pending');
        expect((await t.store.listDue(tenantId, iso(t.now()), 10)).map((r) => r.value.id)).toEqual(['r3']);
    });

    it('settles no further record of a page once the budget is spent, leaving the rest due (chaos run)', async () => {
        const t = setup();
        await t.seed(
            eventRecord('r1', { nextCheckAt: iso(t0 - 2 * minute) }),
            eventRecord('r2', { nextCheckAt: iso(t0 - minute) }),
        );
        t.lookups.set(active, 'r1');
        t.lookups.set(gone, 'r2');
        // Settling r1 (a re-cancel) ends far past the pass's budget: r2, although Graph already answered for it, waits.
        t.graph.during = (call) => {
            if (call === 1) t.advance(2 * defaults.budgetMs);
        };
        const r2Before = await t.read('r2');

        const summary = await t.run();

        expect(summary).toMatchObject({ checked: 1, finished: 1, stoppedForBudget: true });
        expect(await t.read('r2')).toEqual(r2Before);
        expect((await t.store.listDue(tenantId, iso(t.now()), 10)).map((r) => r.value.id)).toContain('r2');
    });

    it('starts no Graph cancel after the budget is spent (settings: "A pass starts nothing after this long")', async () => {
        const t = setup();
        await t.seed(
            eventRecord('r1', { nextCheckAt: iso(t0 - 2 * minute) }),
            eventRecord('r2', { nextCheckAt: iso(t0 - minute) }),
        );
        t.lookups.set(active, 'r1', 'r2');
        // The first re-cancel is slow: it ends past the pass's deadline.
        t.graph.during = (call) => {
            if (call === 1) t.advance(defaults.budgetMs + minute);
        };
        const [, r2Before] = [await t.read('r1'), await t.read('r2')];

        const summary = await t.run();

        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/r1 comment=Sorry']);
        expect(summary.stoppedForBudget).toBe(true);
        expect(await t.read('r2')).toEqual(r2Before);
    });
});

describe('reconcile: overlapping passes', () => {
    it('lets exactly one of two concurrent passes own and repair a drift', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(eventRecord('a1', { state: 'accepted' }));
        t.lookups.set(active, 'a1');
        t.lookups.interleave = true;

        const [a, b] = await Promise.all([t.run(), t.run()]);

        expect(t.lookups.calls).toHaveLength(2);
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/a1 comment=Sorry']);
        expect(a.conflicts + b.conflicts).toBe(1);
        expect(a.repaired + b.repaired).toBe(1);
        expect(t.types()).toEqual(['cancellation.drifted']);
        expect(await t.state('a1')).toMatchObject({ state: 'repaired', attempts: 2 });
    });

    it('counts the drift once over two concurrent passes (the losing pass only counts a conflict)', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(eventRecord('a1', { state: 'accepted' }));
        t.lookups.set(active, 'a1');
        t.lookups.interleave = true;

        const [a, b] = await Promise.all([t.run(), t.run()]);

        expect(a.conflicts + b.conflicts).toBe(1);
        const loser = a.conflicts === 1 ? a : b;
        expect(loser).toMatchObject({ checked: 1, conflicts: 1, drifted: 0, repaired: 0 });
        expect(a.drifted + b.drifted).toBe(1);
    });

    it('never re-cancels a drifted record twice when two passes read it at once', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(eventRecord('d1', { state: 'drifted', attempts: 2 }));
        t.lookups.set(active, 'd1');
        t.lookups.interleave = true;

        const [a, b] = await Promise.all([t.run(), t.run()]);

        expect(a.conflicts + b.conflicts).toBe(1);
        expect(a.repaired + b.repaired).toBe(1);
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/d1 comment=Sorry']);
    });

    it('never re-cancels a pending record twice when two passes read it at once', async () => {
        const t = setup();
        await t.seed(eventRecord('p1'));
        t.lookups.set(active, 'p1');
        t.lookups.interleave = true;

        const [a, b] = await Promise.all([t.run(), t.run()]);

        expect(a.conflicts + b.conflicts).toBe(1);
        expect(a.finished + b.finished).toBe(1);
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/p1 comment=Sorry']);
        expect(t.types()).toEqual(['event.cancelled']);
    });

    it('does not let a pass that starts during a repair re-cancel the same drift', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(eventRecord('a1', { state: 'accepted' }));
        t.lookups.set(active, 'a1');
        let overlapping: ReconcileSummary | undefined;
        // While pass A's repair is at Graph, pass B starts (the next timer tick, or POST /api/reconcile).
        t.graph.during = async (call) => {
            if (call === 1) overlapping = await t.run();
        };

        const first = await t.run();

        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/a1 comment=Sorry']);
        expect(first.repaired + (overlapping?.repaired ?? 0)).toBe(1);
        expect(await t.state('a1')).toMatchObject({ state: 'repaired' });
    });
});

describe('reconcile: what it reads', () => {
    it('neither reads nor touches records that are not due', async () => {
        const t = setup();
        const [future, final, due] = await t.seed(
            eventRecord('later', { state: 'accepted', nextCheckAt: iso(t0 + 1) }),
            eventRecord('done', { state: 'verified', nextCheckAt: undefined }),
            eventRecord('due', { state: 'accepted', nextCheckAt: iso(t0) }),
        );
        await t.store.create(eventRecord('other-tenant', { tenantId: 'dc0ffee0-7e4a-4c6b-9d2f-000000000002' }));
        t.lookups.set(gone, 'later', 'done', 'due', 'other-tenant');

        expect(await t.run()).toEqual({ ...zero, checked: 1, verified: 1, graphCalls: 1 });
        expect(t.lookups.calls.map((c) => c.ids)).toEqual([['due']]);
        expect(await t.read('later')).toEqual(future);
        expect(await t.read('done')).toEqual(final);
        expect((await t.read('due')).etag).not.toBe(due?.etag);
        expect(t.sent.map((m) => ('cancellationId' in m ? m.cancellationId : m.jobId))).toEqual(['due']);
    });

    it('leaves a record as it is, only later, when Graph gives no definite answer', async () => {
        const t = setup();
        const seeded = await t.seed(
            eventRecord('p403'),
            eventRecord('a500', { state: 'accepted' }),
            bookingRecord('b400', { state: 'accepted' }),
            eventRecord('missing', { state: 'drifted' }),
        );
        t.lookups.set(forbidden, 'p403');
        t.lookups.set({ status: 500, body: {} }, 'a500');
        t.lookups.set({ status: 400, body: {} }, 'b400');
        // 'missing': no answer and not unfinished.

        expect(await t.run()).toEqual({ ...zero, checked: 4, graphCalls: 1 });
        for (const before of seeded) {
            const after = (await t.read(before.value.id)).value;
            expect(after).toEqual({
                ...before.value,
                updatedAt: iso(t0),
                nextCheckAt: iso(t0 + defaults.verifyDelayMs),
            });
        }
        expect(t.graph.calls).toEqual([]);
        expect(t.sent).toEqual([]);
    });
});

describe('reconcile: events recorded with their immutable id (a restore out of Deleted Items is seen)', () => {
    const calendarsOfAlice = 'calendars|v1.0|alice@contoso.test';
    const calendars: LookupAnswer = { status: 200, body: { value: [{ id: 'CAL-1' }, { id: 'CAL-2' }] } };
    const inFolder = (folder: string): LookupAnswer => ({
        status: 200,
        body: { id: 'IMM', isCancelled: false, parentFolderId: folder },
    });
    const withImmutableId = (id: string, overrides: Partial<CancellationRecord> = {}) => {
        const record = eventRecord(id, overrides);
        return { ...record, resource: { ...record.resource, immutableId: `IMM-${id}` } };
    };

    it('looks the item up by its immutable id in its mailbox, with one calendars lookup per mailbox, first', async () => {
        const t = setup();
        await t.seed(
            withImmutableId('a1', { state: 'accepted' }),
            withImmutableId('a2', { state: 'accepted' }),
            eventRecord('old', { state: 'accepted' }),
        );
        t.lookups.set(calendars, calendarsOfAlice);
        t.lookups.set(gone, 'a1', 'a2', 'old');

        await t.run();
        const [call] = t.lookups.calls;
        expect(call?.ids[0]).toBe(calendarsOfAlice);
        expect(call?.ids.slice(1).sort()).toEqual(['a1', 'a2', 'old']);
        expect(call?.urls).toEqual(
            expect.arrayContaining([
                'v1.0/users/a11ce/calendars?$select=id&$top=100',
                'v1.0/users/a11ce/events/IMM-a1?$select=id,isCancelled,parentFolderId',
                // A record written before immutable ids were kept is looked up as before.
                'v1.0/users/a11ce/events/old?$select=id,isCancelled',
            ]),
        );
        expect(new Set(call?.mailboxes)).toEqual(new Set(['alice@contoso.test']));
    });

    it('verifies an item found outside every calendar (Deleted Items), noting where it was found', async () => {
        const t = setup();
        await t.seed(withImmutableId('a1', { state: 'accepted' }), withImmutableId('p1'));
        t.lookups.set(calendars, calendarsOfAlice);
        t.lookups.set(inFolder('DELETED-ITEMS'), 'a1', 'p1');

        expect(await t.run()).toMatchObject({ checked: 2, verified: 1, finished: 1, drifted: 0 });
        expect(await t.state('a1')).toMatchObject({ state: 'verified', lastFinding: 'inDeletedItems' });
        expect(await t.state('p1')).toMatchObject({ state: 'accepted', lastFinding: 'inDeletedItems' });
        expect(t.graph.calls).toEqual([]);
    });

    it('verifies a purged item (404 by its immutable id) with the finding gone', async () => {
        const t = setup();
        await t.seed(withImmutableId('a1', { state: 'accepted' }));
        t.lookups.set(calendars, calendarsOfAlice);
        t.lookups.set(gone, 'a1');

        expect(await t.run()).toMatchObject({ verified: 1 });
        expect(await t.state('a1')).toMatchObject({ state: 'verified', lastFinding: 'gone' });
    });

    it('finds an item back in a calendar, not cancelled, drifted, and repairs it by its immutable id', async () => {
        const t = setup({ repairDrift: true });
        await t.seed(withImmutableId('a1', { state: 'accepted' }));
        t.lookups.set(calendars, calendarsOfAlice);
        t.lookups.set(inFolder('CAL-2'), 'a1');

        expect(await t.run()).toMatchObject({ drifted: 1, repaired: 1 });
        expect(t.graph.calls).toEqual(['cancelEvent v1.0 /users/a11ce/events/IMM-a1 comment=Sorry']);
        expect(await t.state('a1')).toMatchObject({ state: 'repaired', lastFinding: 'active' });
    });

    it('only reports the drift when repairDrift is off', async () => {
        const t = setup({ repairDrift: false });
        await t.seed(withImmutableId('a1', { state: 'accepted' }));
        t.lookups.set(calendars, calendarsOfAlice);
        t.lookups.set(inFolder('CAL-1'), 'a1');

        expect(await t.run()).toMatchObject({ drifted: 1, repaired: 0 });
        expect(t.graph.calls).toEqual([]);
        expect(await t.state('a1')).toMatchObject({ state: 'drifted', lastFinding: 'active' });
    });

    it("reads a group's one calendar ({id}) the same way", async () => {
        const t = setup();
        const record = withImmutableId('g1', { state: 'accepted' });
        await t.seed({
            ...record,
            resource: { ...record.resource, graphPath: '/groups/5a1e5/calendar/events/g1', mailbox: 'sales@c.test' },
        });
        t.lookups.set({ status: 200, body: { id: 'GROUP-CAL' } }, 'calendars|v1.0|sales@c.test');
        t.lookups.set(inFolder('GROUP-CAL'), 'g1');

        expect(await t.run()).toMatchObject({ drifted: 1 });
        expect(t.lookups.calls[0]?.urls).toContain('v1.0/groups/5a1e5/calendar?$select=id');
    });

    it.each([
        ['no calendars answer', inFolder('ELSEWHERE'), { status: 503, body: {} }],
        [
            'calendars with a further page',
            inFolder('ELSEWHERE'),
            { status: 200, body: { value: [{ id: 'CAL-1' }], '@odata.nextLink': 'https://graph/next' } },
        ],
    ] as const)('leaves the record for later when the folder cannot be placed: %s', async (_, item, list) => {
        const t = setup();
        await t.seed(withImmutableId('a1', { state: 'accepted' }));
        t.lookups.set(item, 'a1');
        t.lookups.set(list, calendarsOfAlice);

        expect(await t.run()).toMatchObject({ checked: 1, verified: 0, drifted: 0 });
        const record = await t.state('a1');
        expect(record).toMatchObject({ state: 'accepted', nextCheckAt: iso(t0 + defaults.verifyDelayMs) });
        expect(record.lastFinding).toBeUndefined();
        expect(t.graph.calls).toEqual([]);
    });

    it.each([
        [
            'refuses the lookup (400)',
            { status: 400, body: { error: { code: 'BadRequest', message: 'parentFolderId' } } },
        ],
        ['answers without parentFolderId', { status: 200, body: { id: 'IMM', isCancelled: false } }],
    ] as const)(
        'falls back to the regular id when Graph %s, so the record is verified as before, not stuck',
        async (_, refusal) => {
            const t = setup();
            await t.seed(withImmutableId('a1', { state: 'accepted' }));
            t.lookups.set(calendars, calendarsOfAlice);
            t.lookups.set(refusal, 'a1');

            expect(await t.run()).toMatchObject({ checked: 1, verified: 0, drifted: 0 });
            const record = await t.state('a1');
            expect(record).toMatchObject({ state: 'accepted', nextCheckAt: iso(t0 + defaults.verifyDelayMs) });
            expect(record.resource.immutableId).toBeUndefined();

            t.advance(defaults.verifyDelayMs);
            t.lookups.set(gone, 'a1');
            expect(await t.run()).toMatchObject({ verified: 1 });
            expect(t.lookups.calls[1]?.urls).toEqual(['v1.0/users/a11ce/events/a1?$select=id,isCancelled']);
            expect(t.graph.calls).toEqual([]);
        },
    );

    it('an isCancelled item is cancelled wherever it is', async () => {
        const t = setup();
        await t.seed(withImmutableId('a1', { state: 'accepted' }));
        t.lookups.set(cancelled, 'a1');

        expect(await t.run()).toMatchObject({ verified: 1 });
        expect(await t.state('a1')).toMatchObject({ state: 'verified', lastFinding: 'cancelled' });
    });
});
