import { comparePrecedence, RouteTemplate, type RouteValues } from './routeTemplate';

export interface HttpRoute<T> {
    template: RouteTemplate;
    /** Upper-case methods; undefined means every method. */
    methods: Set<string> | undefined;
    target: T;
}

export type RouteLookup<T> =
    | { kind: 'match'; route: HttpRoute<T>; params: RouteValues }
    | { kind: 'methodNotAllowed'; allow: string[] }
    | { kind: 'notFound' };

/**
 * Decodes a URL path into segments (`%2F` stays inside its segment); a trailing slash is ignored. A segment with a
 * malformed escape (`%E0%A4%A`) is kept as sent, as ASP.NET Core's routing does, so the function still gets to
 * answer it.
 */
export function pathSegments(pathname: string): string[] {
    const raw = pathname.replace(/^\/+/, '').replace(/\/+$/, '');
    if (raw === '') return [];
    return raw.split('/').map(decodeSegment);
}

function decodeSegment(segment: string): string {
    try {
        return decodeURIComponent(segment);
    } catch {
        return segment;
    }
}

/** The host's HTTP routes: `routePrefix` + each function's route, tried in precedence order. */
export class RouteTable<T> {
    readonly #routes: HttpRoute<T>[] = [];
    readonly #prefix: string[];

    constructor(routePrefix: string) {
        this.#prefix = routePrefix === '' ? [] : routePrefix.split('/').filter((s) => s !== '');
    }

    add(route: string, methods: readonly string[] | undefined, target: T): HttpRoute<T> {
        const entry: HttpRoute<T> = {
            template: new RouteTemplate(route),
            methods: methods && methods.length > 0 ? new Set(methods.map((m) => m.toUpperCase())) : undefined,
            target,
        };
        this.#routes.push(entry);
        this.#routes.sort((a, b) => comparePrecedence(a.template, b.template));
        return entry;
    }

    get routes(): readonly HttpRoute<T>[] {
        return this.#routes;
    }

    lookup(method: string, pathname: string): RouteLookup<T> {
        const segments = pathSegments(pathname);
        for (let i = 0; i < this.#prefix.length; i++) {
            if (segments[i]?.toLowerCase() !== this.#prefix[i]!.toLowerCase()) return { kind: 'notFound' };
        }
        const rest = segments.slice(this.#prefix.length);
        const allow = new Set<string>();
        const upper = method.toUpperCase();
        for (const route of this.#routes) {
            const params = route.template.match(rest);
            if (!params) continue;
            if (!route.methods || route.methods.has(upper)) return { kind: 'match', route, params };
            route.methods.forEach((m) => allow.add(m));
        }
        return allow.size > 0 ? { kind: 'methodNotAllowed', allow: [...allow].sort() } : { kind: 'notFound' };
    }
}
