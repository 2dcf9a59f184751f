import { tenantPolicySchema } from '../../src/domain/access/tenantPolicy';
import type { FeedChangeMessage } from '../../src/domain/feed/changeMessage';
import { handleLifecycle } from '../../src/domain/feed/lifecycle';
import type { LifecycleMessage } from '../../src/domain/feed/lifecycleMessage';
import { type RenewalDeps, renewSubscriptions } from '../../src/domain/feed/renewal';
import { UpstreamError } from '../../src/errors/upstreamError';
import { FakeSubscriptionGraph } from '../support/fakes/fakeSubscriptionGraph';
import { MemoryGraphSubscriptionStore } from '../support/fakes/memoryGraphSubscriptionStore';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const alice = 'a11ce000-0000-4000-8000-000000000001';
const bob = 'b0b00000-0000-4000-8000-000000000002';
const carol = 'ca201000-0000-4000-8000-000000000003';
const minuteMs = 60_000;
const lifetimeMs = 4230 * minuteMs;
const base = 'https://gateway.contoso.test';

function harness(watch: unknown, options: { baseUrl?: string | undefined } = { baseUrl: base }) {
    const graph = new FakeSubscriptionGraph().addUser('alice@contoso.test', alice).addUser('bob@contoso.test', bob);
    graph.addUser('carol@contoso.test', carol);
    const store = new MemoryGraphSubscriptionStore();
    let nowMs = Date.parse('2026-12-04T09:00:00.000Z');
    let secrets = 0;
    const logs: string[] = [];
    const enqueued: FeedChangeMessage[] = [];
    const policy = tenantPolicySchema.parse({ watch });
    const deps: RenewalDeps = {
        watch: policy.watch,
        directory: graph,
        store,
        graph,
        delta: graph,
        clock: { now: () => new Date(nowMs) },
        newSecret: () => `secret-${++secrets}`,
        settings: {
            endpoints:
                options.baseUrl === undefined
                    ? undefined
                    : {
                          notificationUrl: `${options.baseUrl}/api/graph/notifications`,
                          lifecycleNotificationUrl: `${options.baseUrl}/api/graph/lifecycle`,
                      },
            subscriptionLifetimeMs: lifetimeMs,
            windowDays: 90,
        },
        log: (line) => logs.push(line),
    };
    const lifecycleDeps = {
        ...deps,
        tenantId,
        changes: { enqueue: (message: FeedChangeMessage) => Promise.resolve(void enqueued.push(message)) },
    };
    return {
        graph,
        store,
        logs,
        enqueued,
        deps,
        pass: () => renewSubscriptions(deps),
        lifecycle: (message: Omit<LifecycleMessage, 'schemaVersion' | 'observedAt'>) =>
            handleLifecycle({ schemaVersion: 1, observedAt: new Date(nowMs).toISOString(), ...message }, lifecycleDeps),
        advance: (ms: number) => {
            nowMs += ms;
        },
        now: () => nowMs,
    };
}

describe('the feed timer: one Graph subscription per watched mailbox', () => {
    it('does nothing while FEED_NOTIFICATION_BASE_URL is unset or the policy watches no mailbox, and says why', async () => {
        const unset = harness({ mailboxes: ['alice@contoso.test'] }, { baseUrl: undefined });
        expect(await unset.pass()).toEqual({ off: true, reason: 'FEED_NOTIFICATION_BASE_URL is not set' });
        const empty = harness({ bookingBusinesses: ['shop@contoso.test'] });
        expect(await empty.pass()).toEqual({
            off: true,
            reason: "the tenant policy's watch names no mailbox or group",
        });
        expect([...unset.graph.calls, ...empty.graph.calls]).toEqual([]);
    });

    it('creates one subscription per mailbox named, per group member and per user for "*", each with its own secret', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test', 'nobody@contoso.test'], groups: ['team'] });
        h.graph.groups.set('team', [bob, alice]);
        const summary = await h.pass();
        expect(summary).toMatchObject({ off: false, watched: 2, created: 2, renewed: 0, deleted: 0, failed: 0 });
        expect(summary.off === false && summary.unknown).toEqual(['user nobody@contoso.test']);
        const [aliceId, aliceSub] = h.graph.subscriptionOf(alice) ?? [];
        expect(aliceSub).toEqual({
            mailbox: alice,
            notificationUrl: `${base}/api/graph/notifications`,
            lifecycleNotificationUrl: `${base}/api/graph/lifecycle`,
            clientState: expect.stringMatching(/^secret-/) as unknown,
            expiresAt: new Date(h.now() + lifetimeMs).toISOString(),
        });
        const bobSub = h.graph.subscriptionOf(bob)?.[1];
        expect(bobSub?.clientState).not.toEqual(aliceSub?.clientState);
        // Stored with its secret and a delta link from a baseline sync (nothing enqueued for it).
        const row = (await h.store.getMailbox(alice))?.value;
        expect(row).toMatchObject({ state: 'active', subscriptionId: aliceId, clientState: aliceSub?.clientState });
        expect(row?.deltaLink).toMatch(/^delta:/);
        expect(await h.store.findSubscription(aliceId ?? '')).toEqual({
            mailbox: alice,
            clientState: aliceSub?.clientState,
        });

        const every = harness({ mailboxes: ['*'] });
        expect(await every.pass()).toMatchObject({ watched: 3, created: 3 });
    });

    it('leaves a fresh subscription alone, renews it once less than half its lifetime is left', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test'] });
        await h.pass();
        const [id] = h.graph.subscriptionOf(alice) ?? [];
        h.graph.calls.length = 0;
        h.advance(lifetimeMs / 2 - 15 * minuteMs);
        expect(await h.pass()).toMatchObject({ created: 0, renewed: 0 });
        expect(h.graph.calls).toEqual([]);

        h.advance(30 * minuteMs);
        expect(await h.pass()).toMatchObject({ created: 0, renewed: 1 });
        expect(h.graph.calls).toEqual([`renew ${id}`]);
        const expected = new Date(h.now() + lifetimeMs).toISOString();
        expect(h.graph.subscriptions.get(id ?? '')?.expiresAt).toBe(expected);
        expect((await h.store.getMailbox(alice))?.value.expiresAt).toBe(expected);
    });

    it('creates a new subscription when Graph no longer has the old one (404 on renew) or it has expired', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test', 'bob@contoso.test'] });
        await h.pass();
        const [oldAlice] = h.graph.subscriptionOf(alice) ?? [];
        h.graph.subscriptions.delete(oldAlice ?? '');
        h.advance(lifetimeMs * 0.6);
        expect(await h.pass()).toMatchObject({ created: 1, renewed: 1 });
        const [newAlice] = h.graph.subscriptionOf(alice) ?? [];
        expect(newAlice).not.toBe(oldAlice);
        expect(await h.store.findSubscription(oldAlice ?? '')).toBeNull();
        expect((await h.store.findSubscription(newAlice ?? ''))?.mailbox).toBe(alice);

        h.advance(lifetimeMs * 2);
        expect(await h.pass()).toMatchObject({ created: 2, renewed: 0 });
    });

    it('deletes the subscriptions of mailboxes no longer watched (a group member who left)', async () => {
        const h = harness({ groups: ['team'] });
        h.graph.groups.set('team', [alice, bob]);
        await h.pass();
        const [bobId] = h.graph.subscriptionOf(bob) ?? [];
        h.graph.groups.set('team', [alice]);
        expect(await h.pass()).toMatchObject({ watched: 1, deleted: 1 });
        expect(h.graph.calls).toContain(`remove ${bobId}`);
        expect(await h.store.getMailbox(bob)).toBeNull();
        expect(await h.store.findSubscription(bobId ?? '')).toBeNull();
        expect(h.graph.subscriptionOf(alice)).toBeDefined();
    });

    it('stops the pass when Graph throttles beyond the retries; the next pass finishes the work', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test', 'bob@contoso.test', 'carol@contoso.test'] });
        h.graph.failures.set(
            'create',
            new UpstreamError(429, 'TooManyRequests', 'Slow down', 'rejected', undefined, { 'Retry-After': '30' }),
        );
        const first = await h.pass();
        expect(first).toMatchObject({ throttled: true, failed: 0 });
        expect(await h.pass()).toMatchObject({ throttled: false });
        expect(h.store.rows.size).toBe(3);
        expect(h.graph.subscriptions.size).toBe(3);
    });

    it('counts a refused create (Graph could not validate the URL) and goes on with the other mailboxes', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test', 'bob@contoso.test'] });
        h.graph.failures.set(
            'create',
            new UpstreamError(400, 'ValidationError', 'Subscription validation request failed.', 'rejected', undefined),
        );
        expect(await h.pass()).toMatchObject({ created: 1, failed: 1, throttled: false });
        expect(h.logs.join('\n')).toContain('400 ValidationError');
        expect(await h.pass()).toMatchObject({ created: 1, failed: 0 });
    });

    it('a directory that fails fails the pass: no subscription is deleted on a partial scope', async () => {
        const h = harness({ groups: ['team'] });
        h.graph.groups.set('team', [alice]);
        await h.pass();
        h.graph.listGroupMemberIds = () =>
            Promise.reject(new UpstreamError(503, 'serviceNotAvailable', 'down', 'unknown', undefined));
        await expect(h.pass()).rejects.toThrow('down');
        expect(await h.store.getMailbox(alice)).not.toBeNull();
        expect(h.graph.calls.filter((call) => call.startsWith('remove'))).toEqual([]);
    });
});

describe('lifecycle notifications, worked from the graph-lifecycle queue', () => {
    it('reauthorizationRequired renews now; subscriptionRemoved creates a new subscription with a new secret', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test'] });
        await h.pass();
        const [id] = h.graph.subscriptionOf(alice) ?? [];
        h.graph.calls.length = 0;
        expect(
            await h.lifecycle({ lifecycleEvent: 'reauthorizationRequired', subscriptionId: id ?? '', mailbox: alice }),
        ).toBe('renewed');
        expect(h.graph.calls).toEqual([`renew ${id}`]);

        const oldSecret = (await h.store.getMailbox(alice))?.value.clientState;
        h.graph.subscriptions.delete(id ?? '');
        expect(
            await h.lifecycle({ lifecycleEvent: 'subscriptionRemoved', subscriptionId: id ?? '', mailbox: alice }),
        ).toBe('created');
        const row = (await h.store.getMailbox(alice))?.value;
        expect(row?.subscriptionId).not.toBe(id);
        expect(row?.clientState).not.toBe(oldSecret);
        expect(h.graph.subscriptionOf(alice)?.[0]).toBe(row?.subscriptionId);
    });

    it("missed: the mailbox's calendar view delta from the stored link, one message per changed or removed item", async () => {
        const h = harness({ mailboxes: ['alice@contoso.test'] });
        await h.pass();
        const before = await h.store.getMailbox(alice);
        const id = before?.value.subscriptionId ?? '';
        h.graph.pendingChanges.set(alice, [
            { eventId: 'AAkALgImm-1', removed: false },
            { eventId: 'AAkALgImm-2', removed: true },
        ]);
        expect(await h.lifecycle({ lifecycleEvent: 'missed', subscriptionId: id, mailbox: alice })).toEqual({
            caughtUp: 2,
            fullSync: false,
        });
        expect(h.enqueued).toEqual([
            expect.objectContaining({
                kind: 'event',
                tenantId,
                mailbox: alice,
                eventId: 'AAkALgImm-1',
                changeType: 'updated',
            }),
            expect.objectContaining({
                kind: 'event',
                tenantId,
                mailbox: alice,
                eventId: 'AAkALgImm-2',
                changeType: 'deleted',
            }),
        ]);
        expect(h.enqueued[0]?.kind === 'event' && h.enqueued[0].subscriptionId).toBeUndefined();
        const after = (await h.store.getMailbox(alice))?.value.deltaLink;
        expect(after).not.toBe(before?.value.deltaLink);
        expect(after).toMatch(/^delta:/);
    });

    it('missed with a link Graph no longer knows (410): a full sync, every item of the window enqueued', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test'] });
        await h.pass();
        const row = (await h.store.getMailbox(alice))?.value;
        h.graph.expiredLinks.add(row?.deltaLink ?? '');
        h.graph.calendar.set(alice, [{ eventId: 'E1', removed: false }]);
        expect(
            await h.lifecycle({ lifecycleEvent: 'missed', subscriptionId: row?.subscriptionId ?? '', mailbox: alice }),
        ).toEqual({
            caughtUp: 1,
            fullSync: true,
        });
        expect(h.enqueued.map((m) => m.kind === 'event' && m.eventId)).toEqual(['E1']);
    });

    it('a notification about a subscription the mailbox no longer has changes nothing', async () => {
        const h = harness({ mailboxes: ['alice@contoso.test'] });
        await h.pass();
        h.graph.calls.length = 0;
        expect(
            await h.lifecycle({ lifecycleEvent: 'subscriptionRemoved', subscriptionId: 'sub-old', mailbox: alice }),
        ).toBe('stale');
        expect(await h.lifecycle({ lifecycleEvent: 'missed', subscriptionId: 'sub-1', mailbox: bob })).toBe('stale');
        expect(h.graph.calls).toEqual([]);
        expect(h.enqueued).toEqual([]);
    });
});
