/**
 * A benchmark's whole-number option (`--name N`, `_` allowed as a thousands separator): `fallback` when absent,
 * otherwise an error naming the option when it is not a whole number or falls outside `min`..`max`.
 */
export function wholeNumberArg(
    name: string,
    raw: string | undefined,
    fallback: number,
    min: number,
    max: number,
): number {
    if (raw === undefined) return fallback;
    const text = raw.trim().replace(/_/g, '');
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, not "${raw}"`);
    const value = Number(text);
    if (value < min || value > max) throw new Error(`--${name} must be between ${min} and ${max}, not ${value}`);
    return value;
}
