import { until } from '../support/until';
import { type Reply, alice, bob, enc, errorOf, useEmulator } from './helpers';
import { GraphReceiver } from './graphReceiver';
import { feedFixture, feedReviewId, subscribe } from './feedFixture';

const t = useEmulator();

beforeEach(async () => {
    await t.client.reset(feedFixture());
});

const start = new Date(Date.now() - 24 * 3_600_000).toISOString();
const end = new Date(Date.now() + 30 * 24 * 3_600_000).toISOString();
const immutable = { Prefer: 'IdType="ImmutableId"' };

function deltaPath(user: string): string {
    return `/v1.0/users/${enc(user)}/calendarView/delta?startDateTime=${start}&endDateTime=${end}`;
}

/** A link the emulator returned, as a path on the client's host. */
function pathOf(link: unknown): string {
    if (typeof link !== 'string') throw new Error(`not a link: ${String(link)}`);
    expect(link.startsWith(t.client.url)).toBe(true);
    return link.slice(t.client.url.length);
}

/** Follows `@odata.nextLink`s to the end of a round; returns every entry and the round's deltaLink path. */
async function round(
    first: string,
    headers: Record<string, string> = immutable,
): Promise<{ value: Record<string, unknown>[]; deltaLink: string; pages: number }> {
    const value: Record<string, unknown>[] = [];
    let reply: Reply = await t.client.get(first, headers);
    let pages = 1;
    for (;;) {
        expect(reply.status).toBe(200);
        value.push(...(reply.json.value as Record<string, unknown>[]));
        if (reply.json['@odata.nextLink'] === undefined) break;
        expect(reply.json['@odata.deltaLink']).toBeUndefined();
        reply = await t.client.get(pathOf(reply.json['@odata.nextLink']), headers);
        pages += 1;
    }
    return { value, deltaLink: pathOf(reply.json['@odata.deltaLink']), pages };
}

describe('calendarView/delta', () => {
    it('pages an initial sync with $skiptoken and ends it with a $deltatoken, like calendarView', async () => {
        const paged = { Prefer: 'IdType="ImmutableId", odata.maxpagesize=2' };
        const first = await t.client.get(deltaPath(bob), paged);
        expect(first.json['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#Collection(event)');
        expect(first.json['@odata.nextLink']).toEqual(expect.stringContaining('/calendarView/delta?$skiptoken='));
        expect(first.headers.get('preference-applied')).toContain('odata.maxpagesize=2');

        const all = await round(deltaPath(bob), paged);
        expect(all.pages).toBeGreaterThan(1);
        expect(all.deltaLink).toMatch(/\/calendarView\/delta\?\$deltatoken=/);
        const view = await t.client.get(
            `/v1.0/users/${enc(bob)}/calendarView?startDateTime=${start}&endDateTime=${end}&$top=100`,
            immutable,
        );
        expect(view.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
        const ids = (view.json.value as { id: string }[]).map((e) => e.id).sort();
        expect(all.value.map((e) => e.id).sort()).toEqual(ids);
        expect(ids.length).toBeGreaterThan(2);
    });

    it('returns nothing when nothing changed, then only what changed: a cancelled copy and a removed event', async () => {
        const bobRound = await round(deltaPath(bob));
        const aliceRound = await round(deltaPath(alice));
        expect((await round(bobRound.deltaLink)).value).toEqual([]);

        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});

        const bobCopy = (await t.client.mailbox(bob)).find((i) => i.subject === 'Feed review');
        const bobChanges = await round(bobRound.deltaLink);
        expect(bobChanges.value).toEqual([
            expect.objectContaining({ id: bobCopy?.immutableId, subject: 'Feed review', isCancelled: true }),
        ]);

        const review = (await t.client.mailbox(alice)).find((i) => i.subject === 'Feed review');
        const aliceChanges = await round(aliceRound.deltaLink);
        expect(aliceChanges.value).toEqual([
            { '@odata.type': '#microsoft.graph.event', id: review?.immutableId, '@removed': { reason: 'deleted' } },
        ]);
        // The round's new token starts from the new state.
        expect((await round(aliceChanges.deltaLink)).value).toEqual([]);
    });

    it('names a removed event by its old regular id without Prefer: IdType="ImmutableId"', async () => {
        const before = (await t.client.mailbox(alice)).find((i) => i.subject === 'Feed review');
        const aliceRound = await round(deltaPath(alice), {});
        await t.client.post(`/v1.0/users/${enc(alice)}/events/${feedReviewId}/cancel`, {});
        const changes = await round(aliceRound.deltaLink, {});
        expect(changes.value).toEqual([expect.objectContaining({ id: before?.id, '@removed': { reason: 'deleted' } })]);
    });

    it('lets a delta token be used again: it returns the changes since that state each time', async () => {
        const bobRound = await round(deltaPath(bob));
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        const once = await round(bobRound.deltaLink);
        const twice = await round(bobRound.deltaLink);
        expect(once.value).toHaveLength(1);
        expect(twice.value.map((e) => e.id)).toEqual(once.value.map((e) => e.id));
        expect(twice.deltaLink).not.toBe(once.deltaLink);
    });

    it('answers 410 SyncStateNotFound to an unknown or expired token, and to another mailbox’s', async () => {
        const expectGone = (reply: Reply): void => {
            expect(reply.status).toBe(410);
            expect(errorOf(reply).code).toBe('SyncStateNotFound');
        };
        expectGone(await t.client.get(`/v1.0/users/${enc(bob)}/calendarView/delta?$deltatoken=nonsense`));
        expectGone(await t.client.get(`/v1.0/users/${enc(bob)}/calendarView/delta?$skiptoken=nonsense`));

        const bobRound = await round(deltaPath(bob));
        const token = bobRound.deltaLink.split('$deltatoken=')[1] ?? '';
        expectGone(await t.client.get(`/v1.0/users/${enc(alice)}/calendarView/delta?$deltatoken=${token}`));

        expect((await t.client.admin('POST', '/delta/expire')).status).toBe(204);
        expectGone(await t.client.get(bobRound.deltaLink));
        // A full sync starts over.
        expect((await round(deltaPath(bob))).value.length).toBeGreaterThan(0);
    });

    it('needs the window on an initial sync', async () => {
        const reply = await t.client.get(`/v1.0/users/${enc(bob)}/calendarView/delta`);
        expect(reply.status).toBe(400);
        expect(errorOf(reply).code).toBe('ErrorInvalidParameter');
    });
});

describe('lost notifications, then missed', () => {
    let receiver: GraphReceiver;
    beforeAll(async () => {
        receiver = await GraphReceiver.start();
    });
    afterAll(async () => {
        await receiver.close();
    });

    it('leaves the change to be found by delta from the last token', async () => {
        const { id } = await subscribe(t.client, receiver, bob, 'bob');
        const bobRound = await round(deltaPath(bob));
        await t.client.admin('PUT', '/faults', { dropNotifications: 'all' });
        await t.client.admin('POST', `/mailboxes/${enc(alice)}/events/${feedReviewId}/cancelInOutlook`, {});
        await t.client.admin('POST', `/subscriptions/${id}/lifecycle`, { lifecycleEvent: 'missed' });

        const [missed] = await until('the missed lifecycle notification', () => {
            const got = receiver.received('/bob-lifecycle');
            return got.length > 0 ? got : undefined;
        });
        expect(missed).toMatchObject({ subscriptionId: id, lifecycleEvent: 'missed' });
        expect(receiver.received('/bob')).toEqual([]);
        const changes = await round(bobRound.deltaLink);
        expect(changes.value).toEqual([expect.objectContaining({ subject: 'Feed review', isCancelled: true })]);
    });
});
