import { GraphError } from '../errors';
import { type EmuResponse, jsonResponse, queryParam } from '../http';
import { idTypeHeaders, preferredIdType } from '../idType';
import { graphBase, odataContext, type RouteContext } from '../routeTypes';
import { calendarViewItems, type TimeWindow } from '../store/calendarView';
import { applySelect, eventWire } from '../store/events';
import { type Mailbox } from '../store/model';
import { parseInstant } from '../time';

/** Outlook's page size when the client asks for none. */
export const defaultPageSize = 10;
/** Largest page Outlook serves; a larger `$top` or `odata.maxpagesize` gets pages of this size. */
export const maxPageSize = 1000;

/** `startDateTime`/`endDateTime`, both required (calendarView, instances), as Graph answers without them. */
export function timeWindow(ctx: RouteContext): TimeWindow {
    const startText = queryParam(ctx.req.query, 'startDateTime');
    const endText = queryParam(ctx.req.query, 'endDateTime');
    if (startText === undefined || endText === undefined) {
        throw new GraphError(
            400,
            'ErrorInvalidParameter',
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
        );
    }
    const start = parseInstant(startText);
    const end = parseInstant(endText);
    if (start === undefined || end === undefined) {
        throw new GraphError(
            400,
            'ErrorInvalidParameter',
            'The value of the StartDateTime or EndDateTime parameter is invalid.',
        );
    }
    return { start, end };
}

function nonNegativeInteger(ctx: RouteContext, name: string): number | undefined {
    const text = queryParam(ctx.req.query, name);
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) {
        throw new GraphError(400, 'BadRequest', `Invalid value '${text}' for the query option '${name}'.`);
    }
    return Number(text);
}

/** `Prefer: odata.maxpagesize=n` (among other preferences), or undefined. */
export function preferredPageSize(ctx: RouteContext): number | undefined {
    const prefer = ctx.req.headers.prefer ?? '';
    const match = /(?:^|[,;\s])odata\.maxpagesize\s*=\s*"?(\d+)"?/i.exec(prefer);
    const size = match?.[1] === undefined ? undefined : Number(match[1]);
    return size !== undefined && size > 0 ? size : undefined;
}

/** The request's own URL on the host the client used, with `$skip` moved to the next page. */
function nextLink(ctx: RouteContext, skip: number): string {
    const query = new URLSearchParams();
    for (const [key, value] of ctx.req.query) {
        if (key.toLowerCase() !== '$skip') query.append(key, value);
    }
    query.set('$skip', String(skip));
    const versionPrefix = ctx.req.batch ? `/${ctx.version}` : '';
    return `${ctx.req.origin ?? graphBase}${versionPrefix}${ctx.req.path}?${query.toString()}`;
}

/**
 * `GET …/calendarView?startDateTime=&endDateTime=`: instances in the window (calendarView.ts), `$select`, and
 * server-driven paging like Outlook's: a page of `$top` items (or `Prefer: odata.maxpagesize`, else 10) with an
 * absolute `@odata.nextLink` carrying `$skip` while more remain.
 */
export function calendarViewList(
    ctx: RouteContext,
    locate: () => { mailbox: Mailbox; calendarId: string | undefined },
    fragment: string,
): EmuResponse {
    const window = timeWindow(ctx);
    const top = nonNegativeInteger(ctx, '$top');
    const skip = nonNegativeInteger(ctx, '$skip') ?? 0;
    const preferred = top === undefined ? preferredPageSize(ctx) : undefined;
    const pageSize = Math.min(top ?? preferred ?? defaultPageSize, maxPageSize);
    const { mailbox, calendarId } = locate();
    const items = calendarViewItems(mailbox, calendarId, window);
    const select = queryParam(ctx.req.query, '$select');
    const page = items.slice(skip, skip + pageSize);
    const idType = preferredIdType(ctx.req);
    const value = page.map((item) => applySelect(eventWire(item, mailbox, ctx.version, idType), select));
    const more = pageSize > 0 && skip + pageSize < items.length;
    const applied = [
        ...(preferred !== undefined ? [`odata.maxpagesize=${pageSize}`] : []),
        ...Object.values(idTypeHeaders(idType)),
    ];
    const headers: Record<string, string> = applied.length > 0 ? { 'Preference-Applied': applied.join(', ') } : {};
    return jsonResponse(
        200,
        {
            '@odata.context': odataContext(ctx.version, `${fragment}${select ? `(${select})` : ''}`),
            value,
            ...(more ? { '@odata.nextLink': nextLink(ctx, skip + pageSize) } : {}),
        },
        headers,
    );
}
