import { GraphError } from '../errors';
import { type EmuResponse, jsonResponse, queryParam } from '../http';
import { idTypeHeaders, preferredIdType } from '../idType';
import { graphBase, odataContext, type RouteContext } from '../routeTypes';
import { calendarViewItems } from '../store/calendarView';
import { eventWire } from '../store/events';
import { type Mailbox } from '../store/model';
import { changesSince, type DeltaPage, syncStateOf } from '../feed/delta';
import { defaultPageSize, maxPageSize, preferredPageSize, timeWindow } from './calendarView';

/** Graph's answer to a state token it no longer has (or never issued): start over with a full sync. VERIFY shape. */
const syncStateNotFound = (): GraphError =>
    new GraphError(
        410,
        'SyncStateNotFound',
        'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
    );

/** The delta function's own URL on the host the client used, with one state token. */
function link(ctx: RouteContext, name: '$skiptoken' | '$deltatoken', token: string): string {
    const versionPrefix = ctx.req.batch ? `/${ctx.version}` : '';
    return `${ctx.req.origin ?? graphBase}${versionPrefix}${ctx.req.path}?${name}=${token}`;
}

function answer(ctx: RouteContext, page: DeltaPage, preferred: number | undefined): EmuResponse {
    const headers: Record<string, string> = { ...idTypeHeaders(preferredIdType(ctx.req)) };
    if (preferred !== undefined) {
        headers['Preference-Applied'] = [headers['Preference-Applied'], `odata.maxpagesize=${preferred}`]
            .filter((h) => h !== undefined)
            .join(', ');
    }
    return jsonResponse(
        200,
        {
            '@odata.context': odataContext(ctx.version, 'Collection(event)'),
            ...(page.skipToken !== undefined ? { '@odata.nextLink': link(ctx, '$skiptoken', page.skipToken) } : {}),
            ...(page.deltaToken !== undefined ? { '@odata.deltaLink': link(ctx, '$deltatoken', page.deltaToken) } : {}),
            value: page.value,
        },
        headers,
    );
}

/**
 * `GET …/calendarView/delta`: a round of pages over the calendar view of a window. Without a token it is a full
 * sync (`startDateTime`/`endDateTime` required); `$skiptoken` continues a round; `$deltatoken` starts the next round
 * with what changed since: new or changed instances in full, and instances gone from the window as
 * `{"@odata.type","id","@removed":{"reason":"deleted"}}`. Tokens encode the window, so later calls need no dates.
 * An unknown token (expired, evicted, or from another mailbox) → 410 `SyncStateNotFound`.
 */
export function calendarViewDelta(
    ctx: RouteContext,
    locate: () => { mailbox: Mailbox; calendarId: string | undefined },
): EmuResponse {
    const { mailbox, calendarId } = locate();
    const tokens = ctx.state.deltaTokens;
    const preferred = preferredPageSize(ctx);
    const skipToken = queryParam(ctx.req.query, '$skiptoken');
    if (skipToken !== undefined) {
        const page = tokens.page(skipToken);
        if (!page || page.round.next.mailboxId !== mailbox.id) throw syncStateNotFound();
        return answer(ctx, tokens.pageOf(page.round, page.offset), preferred);
    }
    const deltaToken = queryParam(ctx.req.query, '$deltatoken');
    const before = deltaToken === undefined ? undefined : tokens.sync(deltaToken);
    if (deltaToken !== undefined && (!before || before.mailboxId !== mailbox.id)) throw syncStateNotFound();
    const window = before?.window ?? timeWindow(ctx);
    const scope = before ? before.calendarId : calendarId;
    const items = calendarViewItems(mailbox, scope, window);
    const idType = preferredIdType(ctx.req);
    const entries = changesSince(
        before,
        items,
        (item) => eventWire(item, mailbox, ctx.version, idType),
        (known) => (idType === 'immutable' ? known.immutableId : known.id),
    );
    const pageSize = Math.min(preferred ?? defaultPageSize, maxPageSize);
    return answer(
        ctx,
        tokens.startRound({ entries, pageSize, next: syncStateOf(mailbox.id, scope, window, items) }),
        preferred,
    );
}
