/** 10000 → "10,000". */
export function count(value: number): string {
    return value.toLocaleString('en-US');
}

/** Milliseconds as seconds with two decimals. */
export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(2)} s`;
}

/** a / b with enough digits to read, or "n/a" when b is 0. */
export function ratio(a: number, b: number): string {
    if (b === 0) return 'n/a';
    const value = a / b;
    return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
