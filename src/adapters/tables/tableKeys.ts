import { createHash } from 'node:crypto';

/**
 * Table keys may not contain `/ \ # ?` or control characters, and are at most 1 KiB. User-provided parts go through
 * {@link escapeKeyPart}: `[A-Za-z0-9-]` stay as they are, every other character becomes `.` plus the upper-case hex of
 * its UTF-8 bytes (`a.b` → `a.2Eb`). The result uses only `[A-Za-z0-9.-]`, so it sorts below `~` and can be bounded
 * in range queries, and it is injective. Parts whose escaped form would exceed {@link maxEscapedLength} are replaced
 * by `.h` + SHA-256 hex, which no escaped form can start with (`.` is always followed by two upper-case hex digits).
 */
export const maxEscapedLength = 400;

const plain = /^[A-Za-z0-9-]$/;

export function escapeKeyPart(value: string): string {
    let out = '';
    for (const char of value) {
        if (plain.test(char)) {
            out += char;
        } else {
            for (const byte of Buffer.from(char, 'utf8')) out += '.' + byte.toString(16).toUpperCase().padStart(2, '0');
        }
        if (out.length > maxEscapedLength) return '.h' + sha256Hex(value);
    }
    return out;
}

/** A fixed-length (32 hex chars, 128 bits) digest: prefix-free, so it can sit between separators in a key. */
export function hashKeyPart(value: string): string {
    return sha256Hex(value).slice(0, 32);
}

function sha256Hex(value: string): string {
    return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The canonical 24-character ISO 8601 UTC form (`2026-01-02T03:04:05.000Z`) of an instant, so keys sort by time. */
export function canonicalInstant(iso: string): string {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
    return new Date(ms).toISOString();
}

const maxMs = 9_999_999_999_999;

/** Milliseconds counted down from year 2286, zero-padded to 13 digits: ascending keys list the newest first. */
export function invertedTime(iso: string): string {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${iso}`);
    return String(maxMs - Math.max(0, ms)).padStart(13, '0');
}

/** An OData string literal: single quotes doubled. */
export function odataString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}
