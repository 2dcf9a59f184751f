import type { HttpMethod } from '@azure/functions';
import { routeRegistrations } from './routeList';

export interface RouteEntry {
    readonly route: string;
    readonly methods: readonly HttpMethod[];
}

/**
 * Every route template the app serves with its methods (from the manifest's light list, so the catch-all loads no
 * handler or schema): the catch-all answers 405 for these.
 */
export const routeTable: readonly RouteEntry[] = [...new Set(routeRegistrations.map((r) => r.template))].map(
    (route) => ({
        route,
        methods: routeRegistrations.filter((r) => r.template === route).map((r) => r.method),
    }),
);

/**
 * Case-insensitive match of a path (below the route prefix) against `{param}` templates, as the host matches.
 * `allowEmpty` lets a parameter match an empty segment (`events//cancel`), which the host never routes.
 */
export function templateMatches(template: string, path: string, allowEmpty = false): boolean {
    const want = template.split('/');
    const got = path.replace(/\/+$/, '').split('/');
    return (
        want.length === got.length &&
        want.every((segment, i) => {
            const value = got[i] ?? '';
            if (/^\{[^}]+\}$/.test(segment)) return allowEmpty || value !== '';
            return segment.toLowerCase() === value.toLowerCase();
        })
    );
}
