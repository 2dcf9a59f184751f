import type { AccessToken, TokenCredential } from '@azure/identity';
import { reuseTokens, tokenRefreshMarginMs } from '../../src/adapters/graph/reusedToken';

const hourMs = 3_600_000;

function countingCredential(expiresInMs: number, clock: () => number) {
    let calls = 0;
    const credential: TokenCredential = {
        getToken: () => {
            calls += 1;
            return Promise.resolve<AccessToken>({ token: `t${calls}`, expiresOnTimestamp: clock() + expiresInMs });
        },
    };
    return { credential, calls: () => calls };
}

describe('reuseTokens', () => {
    test('reuses a token for the same scopes until it is within the refresh margin of expiry', async () => {
        let now = 1_000_000;
        const inner = countingCredential(hourMs, () => now);
        const credential = reuseTokens(inner.credential, () => now);
        expect((await credential.getToken('s'))?.token).toBe('t1');
        now += hourMs - tokenRefreshMarginMs - 1;
        expect((await credential.getToken('s'))?.token).toBe('t1');
        now += 1;
        expect((await credential.getToken('s'))?.token).toBe('t2');
        expect(inner.calls()).toBe(2);
    });

    test('other scopes, claims or a tenant go to the credential', async () => {
        const now = 1_000_000;
        const inner = countingCredential(hourMs, () => now);
        const credential = reuseTokens(inner.credential, () => now);
        await credential.getToken('a');
        await credential.getToken('b');
        await credential.getToken('b', { claims: '{"access_token":{}}' });
        await credential.getToken('b', { tenantId: 'other' });
        expect(inner.calls()).toBe(4);
        await credential.getToken('b');
        expect(inner.calls()).toBe(4);
    });

    test('honours refreshAfterTimestamp', async () => {
        let now = 1_000_000;
        let calls = 0;
        const credential = reuseTokens(
            {
                getToken: () => {
                    calls += 1;
                    return Promise.resolve({
                        token: `t${calls}`,
                        expiresOnTimestamp: now + hourMs,
                        refreshAfterTimestamp: now + 60_000,
                    });
                },
            },
            () => now,
        );
        await credential.getToken('s');
        now += 60_000;
        expect((await credential.getToken('s'))?.token).toBe('t2');
    });
});
