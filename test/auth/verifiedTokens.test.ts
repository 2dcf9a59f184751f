import { VerifiedTokens } from '../../src/auth/verifiedTokens';
import type { Caller } from '../../src/domain/access/caller';

const caller = (objectId: string): Caller => ({
    kind: 'user',
    tenantId: 'dc0ffee0-7e4a-4c6b-9d2f-000000000001',
    objectId,
    appId: 'app',
    scopes: new Set(['Calendars.ReadWrite']),
    roles: new Set(),
});

describe('VerifiedTokens', () => {
    let nowMs = 1_000_000;
    const remembered = (maxEntries = 10, maxAgeMs = 300_000) =>
        new VerifiedTokens({ maxEntries, maxAgeMs, nowMs: () => nowMs });

    it('answers for the same token only', () => {
        const tokens = remembered();
        tokens.add('token-a', caller('a'), nowMs + 3_600_000);
        expect(tokens.get('token-a')?.objectId).toBe('a');
        expect(tokens.get('token-b')).toBeUndefined();
        expect(tokens.get('token-a ')).toBeUndefined();
    });

    it('forgets a token when it expires', () => {
        const tokens = remembered();
        tokens.add('token', caller('a'), nowMs + 60_000);
        nowMs += 59_999;
        expect(tokens.get('token')).toBeDefined();
        nowMs += 1;
        expect(tokens.get('token')).toBeUndefined();
    });

    it('forgets a verification after its maximum age, however long the token lives', () => {
        const tokens = remembered(10, 300_000);
        tokens.add('token', caller('a'), nowMs + 3_600_000);
        nowMs += 299_999;
        expect(tokens.get('token')).toBeDefined();
        nowMs += 1;
        expect(tokens.get('token')).toBeUndefined();
    });

    it('keeps at most maxEntries tokens, forgetting the oldest first', () => {
        const tokens = remembered(2);
        tokens.add('first', caller('1'), nowMs + 60_000);
        tokens.add('second', caller('2'), nowMs + 60_000);
        tokens.add('third', caller('3'), nowMs + 60_000);
        expect([tokens.get('first'), tokens.get('second'), tokens.get('third')].map((c) => c?.objectId)).toEqual([
            undefined,
            '2',
            '3',
        ]);
    });
});
