import type { HttpMethod } from '@azure/functions';
import { AppError, BadRequestError } from '../../errors/appError';
import { type EdgeHandler, handle } from '../handle';
import { routePrefix } from '../routes/routePrefix';
import { type RouteEntry, templateMatches } from '../routes/routeTable';

/**
 * The catch-all route: a path no function serves gets Graph's envelope with 404, a served path with the wrong
 * method gets 405 and `Allow`, and a served path with an empty id (which the host does not route) gets Graph's
 * malformed-id 400, instead of the host's empty responses.
 */
export function notFoundHandler(routes: readonly RouteEntry[]): EdgeHandler {
    return handle((request) => {
        const pathname = safeDecode(new URL(request.url).pathname);
        const prefix = routePrefix ? `/${routePrefix}/` : '/';
        const path = pathname.toLowerCase().startsWith(prefix.toLowerCase()) ? pathname.slice(prefix.length) : pathname;
        const allowed = new Set(routes.filter((r) => templateMatches(r.route, path)).flatMap((r) => r.methods));
        if (
            routes.some((r) => templateMatches(r.route, path, true) && r.methods.includes(request.method as HttpMethod))
        ) {
            return Promise.reject(new BadRequestError('ErrorInvalidIdMalformed', 'Id is malformed.'));
        }
        if (allowed.size > 0) {
            return Promise.reject(
                new AppError(405, 'MethodNotAllowed', `The HTTP method '${request.method}' is not allowed here.`, {
                    headers: { Allow: [...allowed].join(', ') },
                }),
            );
        }
        return Promise.reject(
            new AppError(404, 'UnknownRoute', `No resource matches '${request.method} ${pathname.slice(0, 256)}'.`),
        );
    });
}

function safeDecode(path: string): string {
    try {
        return decodeURIComponent(path);
    } catch {
        return path;
    }
}
