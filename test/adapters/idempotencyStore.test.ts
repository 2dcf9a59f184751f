import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { IdempotencyClaimLost, TableIdempotencyStore } from '../../src/adapters/tables/idempotencyStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { BeginResult, StoredResponse } from '../../src/domain/idempotency/store';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';

let client: TableClient;
let store: TableIdempotencyStore;

beforeAll(() => {
    client = createTableClient(testStorageConnectionString(), uniqueName('idempotency'));
    store = new TableIdempotencyStore(client);
});

afterAll(async () => {
    await client.deleteTable();
});

const t0 = new Date('2026-03-01T10:00:00.000Z');
const lockMs = 60_000;
const day = 24 * 60 * 60 * 1000;
const later = (ms: number) => new Date(t0.getTime() + ms);
const response: StoredResponse = {
    status: 202,
    headers: { Location: '/api/cancellations/abc', 'request-id': 'r-1' },
};

function etagOf(result: BeginResult): string {
    if (!result.claimed) throw new Error(`expected a claim, got ${JSON.stringify(result.entry)}`);
    return result.etag;
}

describe('TableIdempotencyStore', () => {
    test('first claim, then in flight, then completed with the response', async () => {
        const scope = `user:${randomUUID()}`;
        const key = 'a-key';
        const first = await store.begin(scope, key, 'fp1', t0, lockMs);
        expect(first.claimed).toBe(true);

        expect(await store.begin(scope, key, 'fp1', later(1000), lockMs)).toEqual({
            claimed: false,
            entry: { state: 'inFlight', fingerprint: 'fp1' },
        });

        await store.complete(scope, key, etagOf(first), response, later(day));
        expect(await store.begin(scope, key, 'fp1', later(2000), lockMs)).toEqual({
            claimed: false,
            entry: { state: 'completed', fingerprint: 'fp1', response },
        });
        // A different body under the same key is reported with the stored fingerprint: the caller answers 422.
        expect(await store.begin(scope, key, 'fp2', later(3000), lockMs)).toEqual({
            claimed: false,
            entry: { state: 'completed', fingerprint: 'fp1', response },
        });
        // A completed entry outlives its lock: only expiry frees the key.
        expect((await store.begin(scope, key, 'fp1', later(day - 1), lockMs)).claimed).toBe(false);
        expect((await store.begin(scope, key, 'fp2', later(day + 1), lockMs)).claimed).toBe(true);
    });

    test('a different fingerprint while in flight is reported, not claimed', async () => {
        const scope = `user:${randomUUID()}`;
        await store.begin(scope, 'k', 'fp1', t0, lockMs);
        expect(await store.begin(scope, 'k', 'fp2', later(1000), lockMs)).toEqual({
            claimed: false,
            entry: { state: 'inFlight', fingerprint: 'fp1' },
        });
        // Even after the lock ran out: the key is still within its retention with another body.
        expect((await store.begin(scope, 'k', 'fp2', later(lockMs + 1), lockMs)).claimed).toBe(false);
    });

    test('an in-flight claim whose lock expired is taken over; the old claimant then loses', async () => {
        const scope = `user:${randomUUID()}`;
        const key = 'crashy';
        const crashed = await store.begin(scope, key, 'fp', t0, lockMs);
        expect((await store.begin(scope, key, 'fp', later(lockMs - 1), lockMs)).claimed).toBe(false);

        const takeover = await store.begin(scope, key, 'fp', later(lockMs + 1), lockMs);
        expect(takeover.claimed).toBe(true);
        // The new lock holds again.
        expect((await store.begin(scope, key, 'fp', later(lockMs + 2), lockMs)).claimed).toBe(false);

        await expect(store.complete(scope, key, etagOf(crashed), response, later(day))).rejects.toThrow(
            IdempotencyClaimLost,
        );
        await store.release(scope, key, etagOf(crashed)); // a stale release is a no-op
        await store.complete(scope, key, etagOf(takeover), response, later(day));
        expect(await store.begin(scope, key, 'fp', later(lockMs + 3), lockMs)).toEqual({
            claimed: false,
            entry: { state: 'completed', fingerprint: 'fp', response },
        });
    });

    test('two simultaneous takeovers of an expired lock: exactly one claims', async () => {
        const scope = `user:${randomUUID()}`;
        await store.begin(scope, 'k', 'fp', t0, lockMs);
        const results = await Promise.all(
            Array.from({ length: 5 }, () => store.begin(scope, 'k', 'fp', later(lockMs + 1), lockMs)),
        );
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
        const first = await Promise.all(Array.from({ length: 5 }, () => store.begin(scope, 'new', 'fp', t0, lockMs)));
        expect(first.filter((r) => r.claimed)).toHaveLength(1);
    });

    test('release, then claim again', async () => {
        const scope = `user:${randomUUID()}`;
        const claim = await store.begin(scope, 'k', 'fp1', t0, lockMs);
        await store.release(scope, 'k', etagOf(claim));
        const again = await store.begin(scope, 'k', 'fp2', later(10), lockMs);
        expect(again.claimed).toBe(true);
        await store.release(scope, 'k', etagOf(again));
        await store.release(scope, 'k', etagOf(again)); // twice is fine
    });

    test('scopes are isolated: the same key in another scope is a new claim', async () => {
        const key = 'shared-key';
        const a = await store.begin(`user:${randomUUID()}`, key, 'fp', t0, lockMs);
        const b = await store.begin(`user:${randomUUID()}`, key, 'fp', t0, lockMs);
        expect(a.claimed && b.claimed).toBe(true);
    });

    test('255-character keys and scopes with characters tables refuse in keys', async () => {
        const scope = `app:${randomUUID()}/tenant#1?\\x`;
        const key = '"' + 'k/#?\\'.repeat(50) + 'é'.repeat(4) + '"';
        expect(key.length).toBeGreaterThan(255);
        const claim = await store.begin(scope, key, 'fp', t0, lockMs);
        const body = JSON.stringify({ error: { code: 'x', message: 'y'.repeat(70_000) } });
        await store.complete(scope, key, etagOf(claim), { ...response, status: 400, body }, later(day));
        const replay = await store.begin(scope, key, 'fp', later(1), lockMs);
        expect(replay).toEqual({
            claimed: false,
            entry: { state: 'completed', fingerprint: 'fp', response: { ...response, status: 400, body } },
        });
        expect((await store.begin(scope, key.slice(0, -2) + '"', 'fp', t0, lockMs)).claimed).toBe(true);
    });
});

describe('TableIdempotencyStore.purgeExpired', () => {
    test('deletes only entries past their retention, up to the limit, and reports how many', async () => {
        const purgeClient = createTableClient(testStorageConnectionString(), uniqueName('idempotencypurge'));
        const purgeStore = new TableIdempotencyStore(purgeClient);
        try {
            for (const key of ['old-1', 'old-2', 'old-3']) {
                const claim = await purgeStore.begin('user:a', key, 'fp', t0, lockMs);
                await purgeStore.complete('user:a', key, etagOf(claim), response, later(day));
            }
            const fresh = await purgeStore.begin('user:b', 'fresh', 'fp', later(2 * day), lockMs);
            await purgeStore.complete('user:b', 'fresh', etagOf(fresh), response, later(3 * day));
            const whenOldExpired = later(day + 1);

            expect(await purgeStore.purgeExpired(whenOldExpired, 2)).toBe(2);
            expect(await purgeStore.purgeExpired(whenOldExpired, 100)).toBe(1);
            expect(await purgeStore.purgeExpired(whenOldExpired, 100)).toBe(0);

            const left = [];
            for await (const entity of purgeClient.listEntities()) left.push(entity.rowKey);
            expect(left).toEqual(['k_fresh']);
            // The kept entry still replays.
            const replay = await purgeStore.begin('user:b', 'fresh', 'fp', later(2 * day + 1), lockMs);
            expect(replay).toEqual({ claimed: false, entry: { state: 'completed', fingerprint: 'fp', response } });
        } finally {
            await purgeClient.deleteTable();
        }
    });
});
