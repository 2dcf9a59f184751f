import type { BeginResult, IdempotencyStore, StoredResponse } from '../../src/domain/idempotency/store';
import { requestFingerprint, withIdempotency } from '../../src/http/idempotency';

/** The port, in memory; `failComplete` plays a claim taken over by a retry (or storage failing) at the last step. */
function memoryStore(failComplete = false) {
    const completed = new Map<string, { fingerprint: string; response: StoredResponse }>();
    const store: IdempotencyStore = {
        begin: (scope, key): Promise<BeginResult> => {
            const entry = completed.get(`${scope}|${key}`);
            return Promise.resolve(
                entry ? { claimed: false, entry: { state: 'completed', ...entry } } : { claimed: true, etag: 'W/"1"' },
            );
        },
        complete: (scope, key, _etag, response) => {
            if (failComplete)
                return Promise.reject(new Error('the idempotency claim was taken over by another request'));
            completed.set(`${scope}|${key}`, { fingerprint: 'fp', response });
            return Promise.resolve();
        },
        release: () => Promise.resolve(),
        purgeExpired: () => Promise.resolve(0),
    };
    return { store, completed };
}

const request = {
    key: 'k-1',
    scope: 'tenant|oid|app',
    fingerprint: 'fp',
    ids: { requestId: 'r-1', clientRequestId: undefined },
};
const accepted = { status: 202, headers: { Location: '/api/cancellations/c-1' } };
const options = (store: IdempotencyStore) => ({ store, lockMs: 1_000, retentionMs: 86_400_000, now: () => new Date() });

describe('withIdempotency', () => {
    it('stores the first answer and replays it for the same key', async () => {
        const { store } = memoryStore();
        let runs = 0;
        const execute = () => Promise.resolve((runs++, accepted));
        expect(await withIdempotency(options(store), request, execute)).toBe(accepted);
        const replay = await withIdempotency(options(store), request, execute);
        expect(replay).toMatchObject({
            status: 202,
            headers: { location: '/api/cancellations/c-1', 'Idempotent-Replayed': 'true' },
        });
        expect(runs).toBe(1);
    });

    it('still answers what happened when the answer cannot be stored under the key (no 500 for a done cancel)', async () => {
        const { store, completed } = memoryStore(true);
        await expect(withIdempotency(options(store), request, () => Promise.resolve(accepted))).resolves.toBe(accepted);
        expect(completed.size).toBe(0);
    });
});

describe('requestFingerprint', () => {
    const route = (template: string, appointmentId: string) => ({
        template,
        values: { version: 'v1.0', businessId: 'Contoso@contoso.test', appointmentId },
    });
    const solutions = '{version}/solutions/bookingBusinesses/{businessId}/appointments/{appointmentId}/cancel';

    it('keeps ids as sent: an id differing only in case is another request', () => {
        expect(requestFingerprint('POST', route(solutions, 'AAMkAb='), {})).not.toBe(
            requestFingerprint('POST', route(solutions, 'AAMKAB='), {}),
        );
    });

    it("compares the route's own segments case-insensitively, as routes match", () => {
        expect(requestFingerprint('post', route(solutions.toUpperCase(), 'AAMkAb='), {})).toBe(
            requestFingerprint('POST', route(solutions, 'AAMkAb='), {}),
        );
    });

    it('tells a route value from an action parameter of the same name and value', () => {
        expect(requestFingerprint('POST', { template: 't', values: { comment: 'x' } }, {})).not.toBe(
            requestFingerprint('POST', { template: 't', values: {} }, { comment: 'x' }),
        );
    });
});
