import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice, bob] = devTenant.users;

describe('Idempotency-Key and Graph throttling at the gateway', () => {
    // A short retry budget keeps the "Graph stays throttled" case quick.
    const local = useLocalStack({ GRAPH_RETRY_DEADLINE_MS: '3000' });
    let aliceToken: string;
    beforeEach(() => {
        aliceToken = local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
    });

    const budgetReview = `v1.0/me/events/${demoIds.budgetReviewId}/cancel`;
    const cancel = (body: unknown, key?: string, token = aliceToken, path = budgetReview) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method: 'POST',
            headers: {
                Authorization: `Bearer ${token}`,
                'Content-Type': 'application/json',
                ...(key === undefined ? {} : { 'Idempotency-Key': key }),
            },
            body: JSON.stringify(body),
        });
    const graphCancels = async () =>
        (await local.admin.calls()).filter((c) => c.startsWith('POST') && c.endsWith('/cancel'));

    it('replays the first response for the same key and body, calling Graph once', async () => {
        const first = await cancel({ comment: 'Moved' }, '"8e0f6f1c-key-1"');
        const again = await cancel({ comment: 'Moved' }, '"8e0f6f1c-key-1"');
        expect([first.status, again.status]).toEqual([202, 202]);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.headers.get('location')).toBe(first.headers.get('location'));
        expect(again.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
        expect(await graphCancels()).toHaveLength(1);
    });

    it('answers 422 for the same key with a different body', async () => {
        expect((await cancel({ comment: 'Moved' }, '"key-2"')).status).toBe(202);
        const reused = await cancel({ comment: 'Something else' }, '"key-2"');
        expect(reused.status).toBe(422);
        expect(await reused.json()).toMatchObject({ error: { code: 'idempotencyKeyReused' } });
    });

    it("answers 422 for the same key and body on an id that differs only in case (Graph's ids are case-sensitive)", async () => {
        expect((await cancel({ comment: 'Moved' }, '"key-case-id"')).status).toBe(202);
        const otherId = `v1.0/me/events/${demoIds.budgetReviewId.toUpperCase()}/cancel`;
        const reused = await cancel({ comment: 'Moved' }, '"key-case-id"', aliceToken, otherId);
        expect(reused.status).toBe(422);
        expect(reused.headers.get('idempotent-replayed')).toBeNull();
        expect(await reused.json()).toMatchObject({ error: { code: 'idempotencyKeyReused' } });
    });

    it("replays the same key on a path that differs only in the case of the route's own segments", async () => {
        const first = await cancel({ comment: 'Moved' }, '"key-case-route"');
        const again = await cancel(
            { comment: 'Moved' },
            '"key-case-route"',
            aliceToken,
            `V1.0/Me/Events/${demoIds.budgetReviewId}/Cancel`,
        );
        expect([first.status, again.status]).toEqual([202, 202]);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(await graphCancels()).toHaveLength(1);
    });

    it('replays a stored error too (an attendee 400 stays 400 for that key)', async () => {
        const bobToken = local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const bobCopy = (await local.admin.events(bob.userPrincipalName)).find((e) => e.subject === 'Budget review')!;
        const path = `v1.0/me/events/${bobCopy.id}/cancel`;
        const first = await cancel({}, '"key-3"', bobToken, path);
        await local.admin.clearRequests();
        const again = await cancel({}, '"key-3"', bobToken, path);
        expect([first.status, again.status]).toEqual([400, 400]);
        expect(await again.json()).toMatchObject({ error: { code: 'ErrorInvalidRequest' } });
        expect(await local.admin.calls()).toEqual([]);
    });

    it('scopes keys to the caller: the same key from another caller is a new request', async () => {
        expect((await cancel({}, '"shared-key"')).status).toBe(202);
        const bobToken = local.stack.token({ user: bob.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const bobCopy = (await local.admin.events(bob.userPrincipalName)).find((e) => e.subject === 'Budget review')!;
        const other = await cancel({}, '"shared-key"', bobToken, `v1.0/me/events/${bobCopy.id}/cancel`);
        expect(other.status).toBe(400);
        expect(other.headers.get('idempotent-replayed')).toBeNull();
    });

    it('answers 409 while the first request with the key is still in flight', async () => {
        // Graph holds the first request's cancel until the test lets it go: the second one surely meets it in flight.
        await local.admin.setFaults([{ pathRegex: '/cancel$', method: 'POST', hold: true }]);
        const first = cancel({}, '"slow-key"');
        await until('the first cancel to be held at Graph', async () =>
            (await local.admin.requests()).find(
                (r) => r.method === 'POST' && r.path.split('?')[0]!.endsWith('/cancel') && r.status === null,
            ),
        );
        const second = await cancel({}, '"slow-key"');
        expect(await local.admin.releaseHeld()).toBe(1);
        expect([(await first).status, second.status]).toEqual([202, 409]);
        expect(second.headers.get('retry-after')).toBe('1');
        expect(await graphCancels()).toHaveLength(1);
    });

    it('refuses a malformed key with 400', async () => {
        const response = await cancel({}, `"${'k'.repeat(300)}"`);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'invalidIdempotencyKey' } });
        expect(await graphCancels()).toEqual([]);
    });

    it("retries Graph's 429 after its Retry-After and then succeeds", async () => {
        await local.admin.setFaults([{ path: '/users', method: 'POST', status: 429, retryAfterSeconds: 1, count: 1 }]);
        const started = Date.now();
        const response = await cancel({});
        expect(response.status).toBe(202);
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
        expect(await graphCancels()).toHaveLength(2);
    });

    it('gives the caller 503 with Retry-After when Graph stays unavailable past the deadline, and keeps the record pending', async () => {
        await local.admin.setFaults([{ path: '/users', method: 'POST', status: 503, retryAfterSeconds: 30 }]);
        const response = await cancel({});
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('30');
        expect(await response.json()).toMatchObject({ error: { code: 'serviceNotAvailable' } });
        const list = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${aliceToken}` },
        });
        expect(await list.json()).toMatchObject({
            value: [{ state: 'pending', resource: { eventId: demoIds.budgetReviewId } }],
        });
    });
});
