import { LineBuffer } from '../../dev/host/lineBuffer';

describe('the local host writes its log lines in batches', () => {
    it('writes buffered lines together, in order, on flush', () => {
        const written: string[] = [];
        const buffer = new LineBuffer((text) => written.push(text));
        buffer.push('one');
        buffer.push('two');
        expect(written).toEqual([]);
        buffer.flush();
        buffer.flush();
        expect(written).toEqual(['one\ntwo\n']);
    });

    it('writes at once when the buffer is large', () => {
        const written: string[] = [];
        const buffer = new LineBuffer((text) => written.push(text));
        const line = 'x'.repeat(1024);
        for (let i = 0; i < 64; i++) buffer.push(line);
        expect(written).toHaveLength(1);
        expect(written[0]?.split('\n')).toHaveLength(65);
    });
});
