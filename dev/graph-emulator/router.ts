import { GraphError, segmentNotFound } from './errors';
import { batchRoute } from './batch';
import { bookingsRoute } from './routes/bookings';
import { groupDirectoryRoute, userDirectoryRoute } from './routes/directory';
import { eventRoute } from './routes/events';
import { subscriptionsRoute } from './routes/subscriptions';
import { type Owner, type Route, type Version } from './routeTypes';

/** Matches a Graph path (segments after `/v1.0` or `/beta`, percent-decoded) to a route; 400 like Graph otherwise. */
export function resolveRoute(version: Version, segs: string[], inBatch: boolean): Route {
    const lower = segs.map((s) => s.toLowerCase());
    const first = lower[0];
    if (first === undefined) throw new GraphError(400, 'BadRequest', "Resource not found for the segment ''.");
    if (first === '$batch' && segs.length === 1) {
        if (inBatch) throw segmentNotFound(segs[0] ?? '$batch');
        return batchRoute(version);
    }
    if (first === 'solutions') {
        if (lower[1] !== 'bookingbusinesses') throw segmentNotFound(segs[1] ?? 'solutions');
        return bookingsRoute(segs.slice(2), lower.slice(2));
    }
    if (first === 'subscriptions') return subscriptionsRoute(segs.slice(1));
    if (first === 'bookingbusinesses' && version === 'beta') return bookingsRoute(segs.slice(1), lower.slice(1));
    let owner: Owner;
    let rest: number;
    if (first === 'me') {
        owner = { kind: 'me' };
        rest = 1;
    } else if (first === 'users' || first === 'groups') {
        const ref = segs[1];
        if (ref === undefined || segs.length === 2) {
            return first === 'users'
                ? userDirectoryRoute(segs.slice(1), lower.slice(1))
                : groupDirectoryRoute(segs.slice(1), lower.slice(1));
        }
        owner = { kind: first === 'users' ? 'user' : 'group', ref };
        rest = 2;
    } else {
        throw segmentNotFound(segs[0] ?? '');
    }
    if (segs.length === rest) {
        // `/me` itself: a directory read of the signed-in user.
        return { ...userDirectoryRoute(['me'], ['me']), owner };
    }
    const events = eventRoute(owner, segs.slice(rest), lower.slice(rest));
    if (events) return events;
    if (owner.kind === 'user') return userDirectoryRoute(segs.slice(1), lower.slice(1));
    if (owner.kind === 'group') return groupDirectoryRoute(segs.slice(1), lower.slice(1));
    throw segmentNotFound(segs[rest] ?? '');
}
