/**
 * ASP.NET Core inline route constraints, as the Functions host's router applies them
 * (`{id:guid}`, `{n:int}`, `{x:alpha}`, `{s:minlength(3)}`, `{v:regex(^a+$)}`…). Matching is invariant-culture.
 */
export type ConstraintCheck = (value: string) => boolean;

const guidPattern =
    /^(?:\{)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(?:\})?$|^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i;
const integerPattern = /^[+-]?\d+$/;
const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function inRange(value: string, min: bigint, max: bigint): boolean {
    if (!integerPattern.test(value)) return false;
    const n = BigInt(value);
    return n >= min && n <= max;
}

function args(text: string | undefined, count: number, name: string): number[] {
    const parts = (text ?? '').split(',').map((p) => p.trim());
    if (parts.length !== count || parts.some((p) => !/^-?\d+$/.test(p))) {
        throw new Error(`Route constraint '${name}' expects ${count} integer argument(s)`);
    }
    return parts.map(Number);
}

/** Builds a check for one constraint such as `int`, `min(1)` or `regex(^\d+$)`. */
export function parseConstraint(text: string): ConstraintCheck {
    const match = /^([a-zA-Z]+)(?:\((.*)\))?$/s.exec(text);
    if (!match) throw new Error(`Invalid route constraint '${text}'`);
    const name = match[1]!.toLowerCase();
    const argument = match[2];
    switch (name) {
        case 'int':
            return (v) => inRange(v, -(2n ** 31n), 2n ** 31n - 1n);
        case 'long':
            return (v) => inRange(v, -(2n ** 63n), 2n ** 63n - 1n);
        case 'bool':
            return (v) => /^(true|false)$/i.test(v);
        case 'guid':
            return (v) => guidPattern.test(v);
        case 'decimal':
        case 'double':
        case 'float':
            return (v) => numberPattern.test(v);
        case 'datetime':
            return (v) => v.trim() !== '' && !Number.isNaN(Date.parse(v));
        case 'alpha':
            return (v) => /^[a-z]*$/i.test(v);
        case 'required':
            return (v) => v !== '';
        case 'minlength': {
            const [min] = args(argument, 1, name);
            return (v) => v.length >= min!;
        }
        case 'maxlength': {
            const [max] = args(argument, 1, name);
            return (v) => v.length <= max!;
        }
        case 'length': {
            const values = (argument ?? '').includes(',') ? args(argument, 2, name) : args(argument, 1, name);
            const min = values[0]!;
            const max = values[1] ?? min;
            return (v) => v.length >= min && v.length <= max;
        }
        case 'min': {
            const [min] = args(argument, 1, name);
            return (v) => integerPattern.test(v) && BigInt(v) >= BigInt(min!);
        }
        case 'max': {
            const [max] = args(argument, 1, name);
            return (v) => integerPattern.test(v) && BigInt(v) <= BigInt(max!);
        }
        case 'range': {
            const [min, max] = args(argument, 2, name);
            return (v) => inRange(v, BigInt(min!), BigInt(max!));
        }
        case 'regex': {
            if (argument === undefined) throw new Error(`Route constraint 'regex' needs a pattern`);
            // In route templates `[[`, `]]`, `{{` and `}}` escape the regex's brackets and braces.
            const source = argument
                .replace(/\[\[/g, '[')
                .replace(/\]\]/g, ']')
                .replace(/\{\{/g, '{')
                .replace(/\}\}/g, '}');
            const regex = new RegExp(source, 'i');
            return (v) => regex.test(v);
        }
        default:
            throw new Error(`Unknown route constraint '${name}'`);
    }
}
