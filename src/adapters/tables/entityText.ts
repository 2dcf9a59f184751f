/**
 * Table properties are capped at 64 KiB, i.e. 32 K UTF-16 code units for a string. Long text is split into
 * `name`, `name_1`, `name_2`, … with the part count in `name_parts` (only when there is more than one part).
 * A split never separates a surrogate pair.
 */
export const chunkChars = 30_000;

export function putText(entity: Record<string, unknown>, name: string, text: string | undefined): void {
    if (text === undefined) return;
    const parts: string[] = [];
    let start = 0;
    while (start < text.length || parts.length === 0) {
        let end = Math.min(start + chunkChars, text.length);
        if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
        parts.push(text.slice(start, end));
        start = end;
    }
    parts.forEach((part, index) => {
        entity[index === 0 ? name : `${name}_${index}`] = part;
    });
    if (parts.length > 1) entity[`${name}_parts`] = parts.length;
}

export function getText(entity: Readonly<Record<string, unknown>>, name: string): string | undefined {
    const first = entity[name];
    if (typeof first !== 'string') return undefined;
    const count = entity[`${name}_parts`];
    if (typeof count !== 'number' || count <= 1) return first;
    let text = first;
    for (let index = 1; index < count; index++) {
        const part = entity[`${name}_${index}`];
        if (typeof part !== 'string') throw new Error(`entity property ${name}_${index} is missing`);
        text += part;
    }
    return text;
}

function isHighSurrogate(code: number): boolean {
    return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Approximate stored size of an entity in bytes, per the documented formula
 * (4 + keys + per property 8 + 2·name + value; strings 4 + 2·length).
 */
export function entitySize(entity: Record<string, unknown>): number {
    let size = 4;
    for (const [name, value] of Object.entries(entity)) {
        if (value === undefined || name === 'odata.etag' || name === 'etag') continue;
        if (name === 'partitionKey' || name === 'rowKey') {
            size += typeof value === 'string' ? 2 * value.length : 0;
            continue;
        }
        size += 8 + 2 * name.length;
        if (typeof value === 'string') size += 4 + 2 * value.length;
        else if (typeof value === 'boolean') size += 1;
        else size += 8;
    }
    return size;
}
