/**
 * Strict base64 decoding as .NET's `Convert.FromBase64String` does it (whitespace allowed, padding
 * required, no URL-safe alphabet). Returns undefined for text that is not valid base64.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
    const compact = text.replace(/[\s]/g, '');
    if (compact.length % 4 !== 0) return undefined;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
    return Buffer.from(compact, 'base64');
}
