import { MemoryBulkJobStore } from '../support/fakes/memoryBulkJobStore';
import type { Caller } from '../../src/domain/access/caller';
import type { CancellationOrigin, CancellationRecord } from '../../src/domain/cancellation/record';
import { notificationMessage } from '../../src/domain/notifications/notificationMessage';
import { fanOut } from '../../src/domain/webhooks/fanOut';
import { webhookPayloadSchema } from '../../src/http/schemas';
import { getCancellationHandler, listCancellationsHandler } from '../../src/http/handlers/cancellations';
import { subscriptionView } from '../../src/http/handlers/subscriptions';
import { HttpRequest } from '@azure/functions';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { MemoryDeliveryStore, RecordingDeliveryQueue } from '../support/fakes/memoryDeliveryStore';
import { adminApp, creator as alice, subscriptionFixture, tenantId, validBody } from './subscriptionFixture';

/** A record of Alice's meeting; outside ones are `verified` with the organizer as actor, basis observed. */
/** The fan-out on memory stores, with the subscriptions of `f`. */
function fanOutDeps(
    f: ReturnType<typeof subscriptionFixture>,
    cancellations: MemoryCancellationStore,
    deliveries: MemoryDeliveryStore,
) {
    return {
        cancellations,
        subscriptions: f.store,
        jobs: new MemoryBulkJobStore(),
        deliveries,
        queue: new RecordingDeliveryQueue(),
        clock: f.clock,
        log: () => undefined,
    };
}

function record(id: string, origin: CancellationOrigin | undefined, createdAt = '2026-03-01T10:00:00.000Z') {
    const made: CancellationRecord = {
        id,
        tenantId,
        kind: origin === 'bookings' ? 'bookingAppointment' : 'event',
        ...(origin === undefined ? {} : { origin }),
        state: origin === undefined || origin === 'gateway' ? 'accepted' : 'verified',
        createdAt,
        updatedAt: createdAt,
        actor: {
            kind: 'user',
            objectId: 'oid-alice',
            appId: origin === undefined ? 'app-1' : '',
            basis: origin === undefined ? 'owner' : 'observed',
        },
        resource: {
            version: 'v1.0',
            graphPath: `/users/oid-alice/events/${id}`,
            resourceKey: `event|user:oid-alice|${id}`,
            mailbox: 'user:oid-alice',
            eventId: id,
            subject: 'Budget review',
        },
        audience: [{ name: 'Bob', address: 'bob@contoso.test', type: 'required' }],
        graphRequestIds: [],
        attempts: 0,
        notificationPending: false,
    };
    return made;
}

const admin: Caller = {
    kind: 'app',
    tenantId,
    objectId: 'oid-admin-app',
    appId: 'app-admin',
    scopes: new Set(),
    roles: new Set(['Cancellations.Admin']),
};
const aliceCaller: Caller = {
    kind: 'user',
    tenantId,
    objectId: 'oid-alice',
    appId: 'app-1',
    scopes: new Set(['Calendars.ReadWrite']),
    roles: new Set(),
};

describe('origin on records, lists and payloads', () => {
    it('shows the origin on the record view; records from before origins read as gateway', async () => {
        const store = new MemoryCancellationStore();
        await store.create(record('old', undefined));
        await store.create(record('seen', 'outlook'));
        const get = getCancellationHandler({ store });
        const view = async (id: string) =>
            (await get({ caller: aliceCaller, params: { id }, query: undefined, body: undefined } as never)).jsonBody;

        expect(await view('old')).toMatchObject({ origin: 'gateway', state: 'accepted' });
        expect(await view('seen')).toMatchObject({
            origin: 'outlook',
            state: 'verified',
            requestedBy: { objectId: 'oid-alice', basis: 'observed' },
        });
    });

    it('filters the list on ?origin= (the organizer sees outside cancellations of meetings they organise)', async () => {
        const store = new MemoryCancellationStore();
        await store.create(record('g1', undefined, '2026-03-01T10:00:00.000Z'));
        await store.create(record('o1', 'outlook', '2026-03-01T10:01:00.000Z'));
        await store.create(record('b1', 'bookings', '2026-03-01T10:02:00.000Z'));
        const list = listCancellationsHandler({ store });
        const ids = async (caller: Caller, origin?: CancellationOrigin) =>
            (
                await list({
                    caller,
                    request: new HttpRequest({ url: 'https://gw.example/api/cancellations', method: 'GET' }),
                    query: origin === undefined ? {} : { origin },
                } as never)
            ).jsonBody?.value.map((item) => item.id);

        expect(await ids(admin)).toEqual(['b1', 'o1', 'g1']);
        expect(await ids(admin, 'outlook')).toEqual(['o1']);
        expect(await ids(admin, 'gateway')).toEqual(['g1']);
        expect(await ids(aliceCaller, 'outlook')).toEqual(['o1']);
    });

    it('puts the origin in the webhook payload', async () => {
        const f = subscriptionFixture();
        await f.service.create(adminApp, validBody);
        const cancellations = new MemoryCancellationStore();
        await cancellations.create(record('o1', 'outlook'));
        const deliveries = new MemoryDeliveryStore();
        await fanOut(
            notificationMessage('event.cancelled', tenantId, 'o1', '2026-03-01T10:00:00.000Z'),
            fanOutDeps(f, cancellations, deliveries),
        );

        const [delivery] = [...deliveries.rows.values()];
        const payload = webhookPayloadSchema.parse(JSON.parse(delivery?.value.body ?? '{}'));
        expect(payload.data).toMatchObject({ origin: 'outlook', state: 'verified', attendees: [{ name: 'Bob' }] });
    });
});

describe('subscription origins filter', () => {
    async function receivers(made: CancellationRecord) {
        const f = subscriptionFixture();
        const url = (name: string) => `https://hooks.example.com/${name}`;
        await f.service.create(adminApp, { ...validBody, notificationUrl: url('all') });
        await f.service.create(adminApp, { ...validBody, notificationUrl: url('outside'), origins: ['outlook'] });
        await f.service.create(adminApp, { ...validBody, notificationUrl: url('own'), origins: ['gateway'] });
        await f.service.create(alice, { ...validBody, notificationUrl: url('alice'), origins: ['outlook'] });
        const cancellations = new MemoryCancellationStore();
        await cancellations.create(made);
        const deliveries = new MemoryDeliveryStore();
        await fanOut(
            notificationMessage('event.cancelled', tenantId, made.id, made.updatedAt),
            fanOutDeps(f, cancellations, deliveries),
        );
        return [...deliveries.rows.values()].map((row) => row.value.subscriptionId).sort();
    }

    it('sends an outside cancellation only to subscriptions whose origins let it through', async () => {
        // sub-1 every origin, sub-2 outlook, sub-3 gateway, sub-4 Alice's own (she organised it), outlook.
        expect(await receivers(record('o1', 'outlook'))).toEqual(['sub-1', 'sub-2', 'sub-4']);
        expect(await receivers(record('g1', undefined))).toEqual(['sub-1', 'sub-3']);
        expect(await receivers(record('b1', 'bookings'))).toEqual(['sub-1']);
    });

    it('shows origins on the subscription (null: every origin), and refuses unknown ones', async () => {
        const f = subscriptionFixture();
        const made = await f.service.create(alice, { ...validBody, origins: ['outlook', 'bookings'] });
        expect(subscriptionView(made.subscription)).toMatchObject({ origins: ['outlook', 'bookings'] });
        const plain = await f.service.create(alice, { ...validBody, notificationUrl: 'https://hooks.example.com/x' });
        expect(subscriptionView(plain.subscription)).toMatchObject({ origins: null });

        for (const origins of [[], ['teams'], 'outlook']) {
            await expect(
                f.service.create(alice, { ...validBody, notificationUrl: 'https://hooks.example.com/y', origins }),
            ).rejects.toMatchObject({ status: 400, code: 'invalidOrigins' });
        }
        await expect(f.service.update(alice, made.subscription.id, { origins: ['gateway'] })).rejects.toMatchObject({
            status: 400,
            code: 'readOnlyProperty',
        });
    });

    it('allows a second subscription to the same URL and type for other origins', async () => {
        const f = subscriptionFixture();
        await f.service.create(alice, { ...validBody, origins: ['outlook'] });
        await expect(f.service.create(alice, { ...validBody, origins: ['bookings'] })).resolves.toBeDefined();
        await expect(f.service.create(alice, { ...validBody })).rejects.toMatchObject({
            code: 'duplicateSubscription',
        });
    });
});
