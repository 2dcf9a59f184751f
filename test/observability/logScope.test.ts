import { log } from '../../src/observability/logger';
import { annotateLogScope, withLogScope } from '../../src/observability/logScope';

function capture() {
    const lines: { level: string; record: Record<string, unknown> }[] = [];
    const push = (level: string) => (line: unknown) =>
        lines.push({ level, record: JSON.parse(String(line)) as Record<string, unknown> });
    return {
        lines,
        context: {
            functionName: 'cancelEvent',
            invocationId: 'inv-1',
            log: push('log'),
            warn: push('warn'),
            error: push('error'),
        },
    };
}

describe('structured log scope', () => {
    it('writes JSON lines through the invocation context with the scope fields, across awaits', async () => {
        const { lines, context } = capture();
        await withLogScope(context, { requestId: 'req-1' }, async () => {
            log.info('first');
            await new Promise((resolve) => setTimeout(resolve, 1));
            annotateLogScope({ graphRequestId: 'graph-1', cancellationId: undefined });
            log.warn('second', { status: 429 });
            annotateLogScope({ cancellationId: 'c-1' });
            log.error('third', { error: new Error('boom Bearer abc.def') });
        });
        expect(lines.map((l) => l.level)).toEqual(['log', 'warn', 'error']);
        for (const { record } of lines) {
            expect(record).toMatchObject({ requestId: 'req-1', function: 'cancelEvent', invocationId: 'inv-1' });
            expect(typeof record.ts).toBe('string');
        }
        expect(lines[0]!.record).not.toHaveProperty('graphRequestId');
        expect(lines[1]!.record).toMatchObject({
            msg: 'second',
            level: 'warn',
            status: 429,
            graphRequestId: 'graph-1',
        });
        expect(lines[1]!.record).not.toHaveProperty('cancellationId');
        expect(lines[2]!.record).toMatchObject({ cancellationId: 'c-1', graphRequestId: 'graph-1' });
        expect(JSON.stringify(lines[2]!.record)).not.toContain('abc.def');
    });

    it('keeps concurrent scopes apart', async () => {
        const a = capture();
        const b = capture();
        const run = (context: typeof a.context, requestId: string, delayMs: number) =>
            withLogScope(context, { requestId }, async () => {
                await new Promise((resolve) => setTimeout(resolve, delayMs));
                annotateLogScope({ cancellationId: `c-${requestId}` });
                log.info('done');
            });
        await Promise.all([run(a.context, 'a', 5), run(b.context, 'b', 1)]);
        expect(a.lines.map((l) => l.record)).toEqual([
            expect.objectContaining({ requestId: 'a', cancellationId: 'c-a' }),
        ]);
        expect(b.lines.map((l) => l.record)).toEqual([
            expect.objectContaining({ requestId: 'b', cancellationId: 'c-b' }),
        ]);
    });
});
