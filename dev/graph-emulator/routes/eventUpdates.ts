import { readJsonObject } from '../body';
import { GraphError } from '../errors';
import { emptyResponse, type EmuResponse, jsonResponse } from '../http';
import { odataContext, type RouteContext } from '../routeTypes';
import { eventWire } from '../store/events';
import { type EventItem, type Mailbox } from '../store/model';
import { endSeries } from '../store/recurrence';
import { declineEvent } from '../store/responses';

function bodyRead(message: string): GraphError {
    return new GraphError(400, 'RequestBodyRead', message);
}

function unsupported(what: string): GraphError {
    return new GraphError(400, 'ErrorInvalidRequest', `The Graph emulator does not support updating ${what}.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isDate(value: unknown): value is string {
    return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}

/** The end date of a `recurrence` PATCH; anything but ending the same weekly pattern by date is refused. */
function readSeriesEnd(value: unknown, item: EventItem): string {
    if (!isRecord(value)) throw unsupported("'recurrence' other than its range's end date");
    const current = item.recurrence;
    for (const key of Object.keys(value)) {
        if (key !== 'range' && key !== 'pattern') throw unsupported(`'recurrence.${key}'`);
    }
    const pattern = value.pattern;
    if (pattern !== undefined && current) {
        const days = isRecord(pattern) && Array.isArray(pattern.daysOfWeek) ? pattern.daysOfWeek : undefined;
        const same =
            isRecord(pattern) &&
            pattern.type === 'weekly' &&
            (pattern.interval === undefined || pattern.interval === current.interval) &&
            (days === undefined ||
                (days.length === 1 && String(days[0]).toLowerCase() === current.dayOfWeek.toLowerCase()));
        if (!same) throw unsupported("'recurrence.pattern' (send the series' own pattern, or none)");
    }
    const range = value.range;
    if (!isRecord(range) || range.type !== 'endDate') throw unsupported("'recurrence.range' other than type 'endDate'");
    if (!isDate(range.endDate)) {
        throw bodyRead(`Cannot convert the literal '${String(range.endDate)}' to the expected type 'Edm.Date'.`);
    }
    if (range.startDate !== undefined && current && range.startDate !== current.startDate) {
        throw unsupported("'recurrence.range.startDate'");
    }
    return range.endDate;
}

function readCategories(value: unknown): string[] {
    if (!Array.isArray(value) || value.some((c) => typeof c !== 'string')) {
        throw bodyRead("Cannot convert the value of 'categories' to the expected type 'Collection(Edm.String)'.");
    }
    return value as string[];
}

/**
 * `PATCH …/events/{id}`: `categories` (any copy) and ending a series by date (`recurrence.range`, organizer's
 * master only, sends an update to the attendees: one message). Other event properties → 400, unknown ones → 400
 * `RequestBodyRead`. The whole body is checked before anything changes. Answers 200 with the event.
 */
export function patchEvent(ctx: RouteContext, mailbox: Mailbox, item: EventItem, fragment: string): EmuResponse {
    const body = readJsonObject(ctx.req, { optional: false }) ?? {};
    const known = new Set(Object.keys(eventWire(item, mailbox, ctx.version)));
    let categories: string[] | undefined;
    let endDate: string | undefined;
    for (const [key, value] of Object.entries(body)) {
        if (key.startsWith('@odata.')) continue;
        if (key === 'categories') categories = readCategories(value);
        else if (key === 'recurrence') endDate = readSeriesEnd(value, item);
        else if (known.has(key)) throw unsupported(`'${key}'`);
        else {
            throw bodyRead(
                `The property '${key}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
            );
        }
    }
    const sendsUpdate = endDate !== undefined && item.isOrganizer && item.attendees.length > 0;
    ctx.state.sendingLimit.send(mailbox.id, sendsUpdate, () => {
        if (endDate !== undefined) endSeries(ctx.state.tenant, mailbox, item, endDate);
        if (categories !== undefined) item.categories = [...categories];
    });
    return jsonResponse(200, {
        '@odata.context': odataContext(ctx.version, `${fragment}/$entity`),
        ...eventWire(item, mailbox, ctx.version),
    });
}

/**
 * `POST …/events/{id}/decline` with `{comment?, sendResponse?, proposedNewTime?}` (Graph's parameters; the comment
 * and proposed time are accepted and not kept). 202, empty body. A decline that sends a response is one message.
 */
export function declineAction(ctx: RouteContext, mailbox: Mailbox, item: EventItem): EmuResponse {
    const body = readJsonObject(ctx.req, { optional: true }) ?? {};
    let sendResponse = true;
    for (const [key, value] of Object.entries(body)) {
        if (key.startsWith('@odata.')) continue;
        const name = key.toLowerCase();
        if (name === 'comment') {
            if (value !== null && typeof value !== 'string') {
                throw bodyRead(
                    `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.String'.`,
                );
            }
        } else if (name === 'sendresponse') {
            if (typeof value !== 'boolean') {
                throw bodyRead(
                    `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.Boolean'.`,
                );
            }
            sendResponse = value;
        } else if (name !== 'proposednewtime') {
            throw bodyRead(
                `The parameter '${key}' in the request payload is not a valid parameter for the operation 'decline'.`,
            );
        }
    }
    ctx.state.sendingLimit.send(mailbox.id, sendResponse && !item.isOrganizer, () =>
        declineEvent(ctx.state.tenant, mailbox, item, sendResponse),
    );
    return emptyResponse(202);
}
