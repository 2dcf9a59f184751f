import {
    isAcceptedWrite,
    type LoggedRequest,
    maxInAnyMinute,
    maxInFlight,
    sustainedPerMinute,
    writesPerWholeMinute,
} from '../../bench/bulk/figures';

/** A call of the emulator's request log, from `startedAtMs` to `finishedAtMs`. */
function call(startedAtMs: number, finishedAtMs: number | null, overrides: Partial<LoggedRequest> = {}): LoggedRequest {
    return {
        method: 'POST',
        path: '/v1.0/users/lee@contoso.test/events/AAMk1/cancel',
        status: 202,
        mailbox: 'lee@contoso.test',
        startedAtMs,
        finishedAtMs,
        ...overrides,
    };
}

describe('bench:bulk figures from the request log', () => {
    it('counts the most writes in any 60 s, a write leaving the window exactly 60 s later', () => {
        expect(maxInAnyMinute([])).toBe(0);
        expect(maxInAnyMinute([0, 10_000, 59_999, 60_000])).toBe(3);
        expect(maxInAnyMinute([0, 10_000, 59_999, 60_000, 61_000])).toBe(4);
        expect(maxInAnyMinute([120_000, 0, 60_000])).toBe(1);
    });

    it('measures the sustained rate as the fewest writes in a whole minute after the first', () => {
        const burst = (fromMs: number, count: number, stepMs: number) =>
            Array.from({ length: count }, (_, i) => fromMs + i * stepMs);
        // Ten a minute: ten at once, ten more once the first leave the minute, one more after that.
        const atPace = [...burst(0, 10, 100), ...burst(60_000, 10, 100), 120_000];
        expect(writesPerWholeMinute(atPace)).toEqual([10, 10]);
        expect(sustainedPerMinute(atPace)).toBe(10);
        // A worker that lags behind its budget: the second ten spread over two minutes.
        const lagging = [...burst(0, 10, 100), ...burst(60_000, 10, 12_000)];
        expect(writesPerWholeMinute(lagging)).toEqual([10, 5]);
        expect(sustainedPerMinute(lagging)).toBe(5);
        // Done within the first minute and the next: no whole minute after the first to tell.
        expect(sustainedPerMinute([...burst(0, 10, 100), ...burst(60_000, 5, 100)])).toBeUndefined();
    });

    it('counts overlapping calls of a mailbox, a call ending as another starts not overlapping it', () => {
        expect(maxInFlight([call(0, 10), call(10, 20), call(20, 30)], 100)).toBe(1);
        expect(maxInFlight([call(0, 50), call(10, 20), call(15, 60), call(18, 19)], 100)).toBe(4);
        // Never answered: in flight until the end.
        expect(maxInFlight([call(0, null), call(50, 60)], 100)).toBe(2);
    });

    it('takes only the writes Graph accepted', () => {
        expect(isAcceptedWrite(call(0, 1))).toBe(true);
        expect(isAcceptedWrite(call(0, 1, { status: 429 }))).toBe(false);
        expect(isAcceptedWrite(call(0, 1, { method: 'GET' }))).toBe(false);
        expect(isAcceptedWrite(call(0, 1, { path: '/v1.0/$batch' }))).toBe(false);
    });
});
