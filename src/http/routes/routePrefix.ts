/**
 * The host's route prefix (host.json `extensions.http.routePrefix`): every HTTP route is served below `/{routePrefix}/`.
 * One definition for the code; `test/unit/routeManifest.test.ts` checks it against host.json.
 */
export const routePrefix = 'api';

/** The path of a gateway route as a client sees it: `cancellations/x` → `/api/cancellations/x`. */
export function publicPath(path: string): string {
    return `/${routePrefix}/${path}`;
}
