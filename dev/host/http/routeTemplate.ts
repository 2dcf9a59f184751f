import { type ConstraintCheck, parseConstraint } from './constraints';

interface LiteralPart {
    kind: 'literal';
    text: string;
}

interface ParameterPart {
    kind: 'parameter';
    name: string;
    optional: boolean;
    catchAll: boolean;
    defaultValue: string | undefined;
    constraints: ConstraintCheck[];
}

type Part = LiteralPart | ParameterPart;

interface Segment {
    parts: Part[];
}

export type RouteValues = Record<string, string>;

/** Splits on `sep` outside parentheses (constraint arguments may contain `:` or `,`). */
function splitOutsideParens(text: string, sep: string): string[] {
    const out: string[] = [];
    let depth = 0;
    let current = '';
    for (const ch of text) {
        if (ch === '(') depth++;
        if (ch === ')') depth = Math.max(0, depth - 1);
        if (ch === sep && depth === 0) {
            out.push(current);
            current = '';
        } else current += ch;
    }
    out.push(current);
    return out;
}

function parseParameter(body: string, template: string): ParameterPart {
    let text = body.trim();
    let catchAll = false;
    if (text.startsWith('**')) {
        catchAll = true;
        text = text.slice(2);
    } else if (text.startsWith('*')) {
        catchAll = true;
        text = text.slice(1);
    }
    let defaultValue: string | undefined;
    const [head, ...constraintTexts] = splitOutsideParens(text, ':');
    let name = head ?? '';
    let lastConstraint = constraintTexts.pop();
    // `{name=default}` / `{name:int=5}` / `{name?}` / `{name:int?}`
    const takeSuffix = (value: string): { value: string; optional: boolean; def: string | undefined } => {
        let optional = false;
        let def: string | undefined;
        const eq = value.lastIndexOf('=');
        if (eq >= 0 && !value.slice(eq).includes(')')) {
            def = value.slice(eq + 1);
            value = value.slice(0, eq);
        }
        if (value.endsWith('?')) {
            optional = true;
            value = value.slice(0, -1);
        }
        return { value, optional, def };
    };
    let optional = false;
    if (lastConstraint !== undefined) {
        const s = takeSuffix(lastConstraint);
        lastConstraint = s.value;
        optional = s.optional;
        defaultValue = s.def;
        constraintTexts.push(lastConstraint);
    } else {
        const s = takeSuffix(name);
        name = s.value;
        optional = s.optional;
        defaultValue = s.def;
    }
    if (!/^[^{}/?*=:]+$/.test(name))
        throw new Error(`Invalid parameter name '${name}' in route template '${template}'`);
    if (catchAll && optional)
        throw new Error(`A catch-all parameter cannot be optional in route template '${template}'`);
    return {
        kind: 'parameter',
        name,
        optional,
        catchAll,
        defaultValue,
        constraints: constraintTexts.map((c) => parseConstraint(c)),
    };
}

function parseSegment(text: string, template: string): Segment {
    const parts: Part[] = [];
    let i = 0;
    let literal = '';
    while (i < text.length) {
        const ch = text[i]!;
        if (ch === '{') {
            if (text[i + 1] === '{') {
                literal += '{';
                i += 2;
                continue;
            }
            // find the matching close brace (constraint regex may contain braces in parentheses)
            let depth = 0;
            let j = i + 1;
            for (; j < text.length; j++) {
                const c = text[j];
                if (c === '(') depth++;
                else if (c === ')') depth--;
                else if (c === '}' && depth <= 0) break;
            }
            if (j >= text.length) throw new Error(`Unclosed '{' in route template '${template}'`);
            if (literal) parts.push({ kind: 'literal', text: literal });
            literal = '';
            parts.push(parseParameter(text.slice(i + 1, j), template));
            i = j + 1;
        } else if (ch === '}') {
            if (text[i + 1] !== '}') throw new Error(`Unexpected '}' in route template '${template}'`);
            literal += '}';
            i += 2;
        } else {
            literal += ch;
            i++;
        }
    }
    if (literal) parts.push({ kind: 'literal', text: literal });
    if (parts.length > 1 && parts.some((p) => p.kind === 'parameter' && p.catchAll)) {
        throw new Error(`A catch-all parameter must be a segment of its own in route template '${template}'`);
    }
    return { parts };
}

function escapeRegex(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A parsed ASP.NET-style route template as the Functions host uses them: literal segments,
 * `{param}`, optional `{param?}`, defaults `{param=x}`, constraints `{id:guid}`, complex segments
 * (`{name}.{ext}`) and a final catch-all `{*rest}`. Literals match case-insensitively.
 */
export class RouteTemplate {
    readonly segments: Segment[];

    constructor(readonly template: string) {
        const trimmed = template.replace(/^[~]?\/+/, '').replace(/\/+$/, '');
        this.segments = trimmed === '' ? [] : trimmed.split('/').map((s) => parseSegment(s, template));
        this.segments.forEach((segment, index) => {
            const catchAll = segment.parts.some((p) => p.kind === 'parameter' && p.catchAll);
            if (catchAll && index !== this.segments.length - 1) {
                throw new Error(`A catch-all parameter must be the last segment of route template '${template}'`);
            }
            if (segment.parts.length === 0) throw new Error(`Empty segment in route template '${template}'`);
        });
    }

    /**
     * Inbound precedence as in ASP.NET Core routing: one digit per segment, 1 literal, 2 constrained
     * parameter or complex segment, 3 parameter, 4 constrained catch-all, 5 catch-all. Lower wins.
     */
    get precedence(): number[] {
        return this.segments.map((segment) => {
            const only = segment.parts.length === 1 ? segment.parts[0]! : undefined;
            if (!only) return 2;
            if (only.kind === 'literal') return 1;
            if (only.catchAll) return only.constraints.length > 0 ? 4 : 5;
            return only.constraints.length > 0 ? 2 : 3;
        });
    }

    /** Matches decoded path segments; returns the route values or undefined. */
    match(pathSegments: readonly string[]): RouteValues | undefined {
        const values: RouteValues = {};
        let j = 0;
        for (let i = 0; i < this.segments.length; i++) {
            const parts = this.segments[i]!.parts;
            const only = parts.length === 1 ? parts[0]! : undefined;
            const value = pathSegments[j];
            if (only?.kind === 'parameter' && only.catchAll) {
                const rest = pathSegments.slice(j).join('/');
                // A catch-all is not optional for its constraints: with no value they fail (ASP.NET).
                if (only.constraints.length > 0 && (rest === '' || !only.constraints.every((c) => c(rest)))) {
                    return undefined;
                }
                if (rest !== '') values[only.name] = rest;
                else if (only.defaultValue !== undefined) values[only.name] = only.defaultValue;
                j = pathSegments.length;
                continue;
            }
            if (value === undefined) {
                // the rest of the template must be optional (or have defaults)
                if (only?.kind === 'parameter' && (only.optional || only.defaultValue !== undefined)) {
                    if (only.defaultValue !== undefined) values[only.name] = only.defaultValue;
                    continue;
                }
                return undefined;
            }
            if (only?.kind === 'literal') {
                if (only.text.toLowerCase() !== value.toLowerCase()) return undefined;
            } else if (only?.kind === 'parameter') {
                if (value === '' || !only.constraints.every((c) => c(value))) return undefined;
                values[only.name] = value;
            } else if (!this.#matchComplex(parts, value, values)) {
                return undefined;
            }
            j++;
        }
        return j === pathSegments.length ? values : undefined;
    }

    #matchComplex(parts: Part[], value: string, values: RouteValues): boolean {
        const source = parts.map((p) => (p.kind === 'literal' ? escapeRegex(p.text) : '(.+?)')).join('');
        const match = new RegExp(`^${source}$`, 'i').exec(value);
        if (!match) return false;
        let group = 1;
        for (const part of parts) {
            if (part.kind !== 'parameter') continue;
            const captured = match[group++] ?? '';
            if (!part.constraints.every((c) => c(captured))) return false;
            values[part.name] = captured;
        }
        return true;
    }
}

/** Compares two templates by inbound precedence (negative: `a` is tried first). */
export function comparePrecedence(a: RouteTemplate, b: RouteTemplate): number {
    const pa = a.precedence;
    const pb = b.precedence;
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const da = pa[i] ?? 0;
        const db = pb[i] ?? 0;
        if (da !== db) return da - db;
    }
    return a.template.toLowerCase() < b.template.toLowerCase()
        ? -1
        : a.template.toLowerCase() > b.template.toLowerCase()
          ? 1
          : 0;
}
