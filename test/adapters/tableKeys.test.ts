import fc from 'fast-check';
import { escapeKeyPart, hashKeyPart, invertedTime, maxEscapedLength } from '../../src/adapters/tables/tableKeys';

describe('table key parts', () => {
    test('escaped parts use only [A-Za-z0-9.-], stay within the length cap, and are injective', () => {
        fc.assert(
            fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ maxLength: 300 }), (a, b) => {
                const ea = escapeKeyPart(a);
                expect(ea).toMatch(/^[A-Za-z0-9.-]*$|^\.h[0-9a-f]{64}$/);
                expect(ea.length).toBeLessThanOrEqual(maxEscapedLength + 12);
                if (a !== b) expect(escapeKeyPart(b)).not.toBe(ea);
            }),
        );
        expect(escapeKeyPart('a/b#c?d\\e')).toBe('a.2Fb.23c.3Fd.5Ce');
        expect(escapeKeyPart('0a1b2c3d-0000-4000-8000-000000000000')).toBe('0a1b2c3d-0000-4000-8000-000000000000');
        expect(escapeKeyPart('\u0001\u007f')).toBe('.01.7F');
    });

    test('hashes are fixed length; inverted times sort newest first', () => {
        expect(hashKeyPart('x')).toHaveLength(32);
        const older = invertedTime('2026-01-01T00:00:00Z');
        const newer = invertedTime('2026-01-01T00:00:00.001Z');
        expect(newer < older).toBe(true);
        expect(newer).toHaveLength(13);
    });
});
