import { permissions } from '../auth';
import { readActionParameters } from '../body';
import { GraphError, itemNotFound, segmentNotFound } from '../errors';
import { emptyResponse, jsonResponse, queryParam } from '../http';
import { isMalformedId } from '../ids';
import { type EventItem, type Mailbox } from '../store/model';
import { applySelect, cancelEvent, deleteEvent, eventWire, findItem, parentFolderId } from '../store/events';
import { idTypeHeaders, preferredIdType } from '../idType';
import { odataContext, type Owner, type Route, type RouteContext } from '../routeTypes';
import { calendarViewList, timeWindow } from './calendarView';
import { calendarViewDelta } from './calendarViewDelta';
import { declineAction, patchEvent } from './eventUpdates';
import { mailboxKey, ownerFragment, resolveMailbox } from './owners';

/** Which calendar(s) a route form addresses. */
type Scope =
    | { kind: 'any' }
    | { kind: 'default' }
    | { kind: 'calendar'; calendarId: string }
    | { kind: 'calendarGroup'; groupId: string; calendarId: string }
    /** `calendargroup/calendars/{id}`: a calendar of the default group, the one holding the default calendar. */
    | { kind: 'defaultCalendarGroup'; calendarId: string };

function defaultCalendarGroupId(mailbox: Mailbox): string | undefined {
    return mailbox.calendars.find((c) => c.isDefault)?.calendarGroupId ?? undefined;
}

function calendarFilter(mailbox: Mailbox, scope: Scope): string | undefined {
    switch (scope.kind) {
        case 'any':
            return undefined;
        case 'default':
            return mailbox.calendars.find((c) => c.isDefault)?.id;
        case 'calendar': {
            const calendar = mailbox.calendars.find((c) => c.id === scope.calendarId);
            if (!calendar) throw itemNotFound();
            return calendar.id;
        }
        case 'calendarGroup': {
            const group = mailbox.calendarGroups.find((g) => g.id === scope.groupId);
            const calendar = mailbox.calendars.find(
                (c) => c.id === scope.calendarId && c.calendarGroupId === group?.id,
            );
            if (!group || !calendar) throw itemNotFound();
            return calendar.id;
        }
        case 'defaultCalendarGroup': {
            const groupId = defaultCalendarGroupId(mailbox);
            const calendar = mailbox.calendars.find((c) => c.id === scope.calendarId && c.calendarGroupId === groupId);
            if (groupId === undefined || !calendar) throw itemNotFound();
            return calendar.id;
        }
    }
}

function checkId(id: string): void {
    if (isMalformedId(id)) throw new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
}

/**
 * Finds an item by regular or immutable id within the route's mailbox and calendar scope; 404 otherwise. A GET
 * through the mailbox-wide form (`events/{id}`) also finds an item in Deleted Items (VERIFY, docs/emulator.md).
 */
function locate(ctx: RouteContext, owner: Owner, scope: Scope, id: string): { mailbox: Mailbox; item: EventItem } {
    const mailbox = resolveMailbox(ctx, owner);
    const calendarId = calendarFilter(mailbox, scope);
    checkId(id);
    const item = findItem(mailbox, id);
    const visible =
        item?.state === 'active' || (item?.state === 'deleted' && scope.kind === 'any' && ctx.req.method === 'GET');
    if (!item || !visible) throw itemNotFound();
    if (calendarId !== undefined && item.calendarId !== calendarId) throw itemNotFound();
    return { mailbox, item };
}

function locateInstance(
    ctx: RouteContext,
    owner: Owner,
    scope: Scope,
    masterId: string,
    instanceId: string,
): { mailbox: Mailbox; item: EventItem } {
    const { mailbox, item: master } = locate(ctx, owner, scope, masterId);
    checkId(instanceId);
    const item = findItem(mailbox, instanceId);
    if (!item || item.state !== 'active' || item.seriesMasterId !== master.id) throw itemNotFound();
    return { mailbox, item };
}

function selectFragment(ctx: RouteContext): string {
    const select = queryParam(ctx.req.query, '$select');
    return select ? `(${select})` : '';
}

function listResponse(ctx: RouteContext, mailbox: Mailbox, items: EventItem[], fragment: string) {
    const topText = queryParam(ctx.req.query, '$top');
    const top = topText !== undefined && /^\d+$/.test(topText) ? Number(topText) : undefined;
    const sorted = [...items].sort((a, b) => a.start - b.start);
    const idType = preferredIdType(ctx.req);
    const value = (top !== undefined ? sorted.slice(0, top) : sorted).map((i) => selected(ctx, mailbox, i));
    return jsonResponse(
        200,
        { '@odata.context': odataContext(ctx.version, fragment + selectFragment(ctx)), value },
        idTypeHeaders(idType),
    );
}

/** The event's wire form with the request's id type and `$select` (`parentFolderId` only when selected). */
function selected(ctx: RouteContext, mailbox: Mailbox, item: EventItem): Record<string, unknown> {
    const wire = eventWire(item, mailbox, ctx.version, preferredIdType(ctx.req));
    return applySelect(wire, queryParam(ctx.req.query, '$select'), {
        parentFolderId: parentFolderId(item, mailbox),
    });
}

function itemResponse(ctx: RouteContext, owner: Owner, mailbox: Mailbox, item: EventItem) {
    return jsonResponse(
        200,
        {
            '@odata.context': odataContext(
                ctx.version,
                `${ownerFragment(ctx, owner)}/events${selectFragment(ctx)}/$entity`,
            ),
            ...selected(ctx, mailbox, item),
        },
        idTypeHeaders(preferredIdType(ctx.req)),
    );
}

function inWindow(item: EventItem, window: { start: number; end: number }): boolean {
    return item.start < window.end && item.end > window.start;
}

/** Instances visible in a window: organizers no longer see cancelled occurrences; attendees see them cancelled. */
function instances(mailbox: Mailbox, master: EventItem, window: { start: number; end: number }): EventItem[] {
    return [...mailbox.items.values()].filter(
        (i) => i.seriesMasterId === master.id && i.state === 'active' && inWindow(i, window),
    );
}

/** What every route under one owner shares: the API, the owner, and its mailbox key for limits and logs. */
interface OwnerRouteBase {
    api: 'outlook';
    owner: Owner;
    mailbox: (ctx: RouteContext) => string;
}

/** Finds the item a route acts on: an event, or one instance of a series. */
type Locate = (ctx: RouteContext) => { mailbox: Mailbox; item: EventItem };

const readOnly = (): readonly string[] => permissions.eventsRead;
const readOrWrite = (m: string): readonly string[] => (m === 'GET' ? permissions.eventsRead : permissions.eventsWrite);

function readRoute(base: OwnerRouteBase, handle: Route['handle']): Route {
    return { ...base, methods: ['GET'], permissions: readOnly, handle };
}

/**
 * `…/{id}`: GET reads the item, DELETE removes it (the organizer's delete cancels the meeting: a message), PATCH
 * updates what eventUpdates.ts supports.
 */
function itemRoute(base: OwnerRouteBase, locate: Locate): Route {
    return {
        ...base,
        methods: ['GET', 'DELETE', 'PATCH'],
        permissions: readOrWrite,
        handle: (ctx) => {
            const { mailbox, item } = locate(ctx);
            if (ctx.req.method === 'DELETE') {
                const cancels = item.isOrganizer && item.attendees.length > 0;
                ctx.state.sendingLimit.send(mailbox.id, cancels, () => deleteEvent(ctx.state.tenant, mailbox, item));
                return emptyResponse(204, idTypeHeaders(preferredIdType(ctx.req)));
            }
            if (ctx.req.method === 'PATCH') {
                return patchEvent(ctx, mailbox, item, `${ownerFragment(ctx, base.owner)}/events`);
            }
            return itemResponse(ctx, base.owner, mailbox, item);
        },
    };
}

/** `…/{id}/cancel`. */
function cancelRoute(base: OwnerRouteBase, locate: Locate): Route {
    return {
        ...base,
        methods: ['POST'],
        permissions: readOrWrite,
        handle: (ctx) => {
            const { mailbox, item } = locate(ctx);
            const params = readActionParameters(ctx.req, 'cancel', ['Comment']);
            const notifies = item.isOrganizer && item.attendees.length > 0;
            ctx.state.sendingLimit.send(mailbox.id, notifies, () =>
                cancelEvent(ctx.state.tenant, mailbox, item, params.Comment ?? null, 'cancel'),
            );
            return emptyResponse(202, idTypeHeaders(preferredIdType(ctx.req)));
        },
    };
}

/** `…/{id}/decline`. */
function declineRoute(base: OwnerRouteBase, locate: Locate): Route {
    return {
        ...base,
        methods: ['POST'],
        permissions: readOrWrite,
        handle: (ctx) => {
            const { mailbox, item } = locate(ctx);
            return declineAction(ctx, mailbox, item);
        },
    };
}

/**
 * `calendargroup/calendars/…` without a group id (either spelling): the docs' older form for the default group. A
 * group id is always followed by `calendars`, so `calendargroups/calendars/calendars/…` is a group named `calendars`.
 */
function isDefaultGroupForm(lower: string[]): boolean {
    return lower[1] === 'calendars' && lower[2] !== 'calendars';
}

/**
 * Event routes after the owner (`me`, `users/{id}`, `groups/{id}`): `segs`/`lower` start at the first segment
 * after the owner. Returns undefined when the first segment is not a calendar segment at all.
 */
export function eventRoute(owner: Owner, segs: string[], lower: string[]): Route | undefined {
    const base: OwnerRouteBase = { api: 'outlook', owner, mailbox: (ctx) => mailboxKey(ctx, owner) };
    const isGroup = owner.kind === 'group';
    let scope: Scope;
    let i = 0;
    const first = lower[0];
    if (first === 'events' || first === 'calendarview') {
        scope = { kind: 'any' };
    } else if (first === 'calendar') {
        if (segs.length === 1) return calendarGetRoute(base);
        scope = { kind: 'default' };
        i = 1;
    } else if (first === 'calendars' && !isGroup) {
        const calendarId = segs[1];
        if (calendarId === undefined) return calendarListRoute(base, undefined);
        if (segs.length === 2) return calendarGetRoute(base, calendarId);
        scope = { kind: 'calendar', calendarId };
        i = 2;
    } else if ((first === 'calendargroups' || first === 'calendargroup') && !isGroup && isDefaultGroupForm(lower)) {
        const calendarId = segs[2];
        if (calendarId === undefined) {
            return readRoute(base, (ctx) => {
                const groupId = defaultCalendarGroupId(resolveMailbox(ctx, owner));
                return calendarListRoute(base, groupId ?? '').handle(ctx);
            });
        }
        scope = { kind: 'defaultCalendarGroup', calendarId };
        i = 3;
    } else if ((first === 'calendargroups' || first === 'calendargroup') && !isGroup) {
        const groupId = segs[1];
        if (groupId === undefined) return calendarGroupListRoute(base);
        if (lower[2] !== 'calendars') throw segmentNotFound(segs[2] ?? groupId);
        const calendarId = segs[3];
        if (calendarId === undefined) return calendarListRoute(base, groupId);
        scope = { kind: 'calendarGroup', groupId, calendarId };
        i = 4;
    } else {
        return undefined;
    }
    const collection = lower[i];
    if (collection !== 'events' && collection !== 'calendarview') throw segmentNotFound(segs[i] ?? segs[i - 1] ?? '');
    const tail = segs.slice(i + 1);
    const tailLower = lower.slice(i + 1);

    if (tail.length === 0) {
        if (collection === 'events') {
            return readRoute(base, (ctx) => {
                const mb = resolveMailbox(ctx, owner);
                const cal = calendarFilter(mb, scope);
                const items = [...mb.items.values()].filter(
                    (it) =>
                        it.state === 'active' &&
                        (it.type === 'singleInstance' || it.type === 'seriesMaster') &&
                        (cal === undefined || it.calendarId === cal),
                );
                return listResponse(ctx, mb, items, `${ownerFragment(ctx, owner)}/events`);
            });
        }
        return readRoute(base, (ctx) =>
            calendarViewList(
                ctx,
                () => {
                    const mailbox = resolveMailbox(ctx, owner);
                    return { mailbox, calendarId: calendarFilter(mailbox, scope) };
                },
                `${ownerFragment(ctx, owner)}/calendarView`,
            ),
        );
    }
    if (collection === 'calendarview' && tail.length === 1 && tailLower[0] === 'delta') {
        return readRoute(base, (ctx) =>
            calendarViewDelta(ctx, () => {
                const mailbox = resolveMailbox(ctx, owner);
                return { mailbox, calendarId: calendarFilter(mailbox, scope) };
            }),
        );
    }
    const id = tail[0] ?? '';
    const event: Locate = (ctx) => locate(ctx, owner, scope, id);
    if (tail.length === 1) return itemRoute(base, event);
    if (tail.length === 2 && tailLower[1] === 'cancel') return cancelRoute(base, event);
    if (tail.length === 2 && tailLower[1] === 'decline') return declineRoute(base, event);
    if (collection === 'events' && tailLower[1] === 'instances') {
        const instanceId = tail[2];
        if (instanceId === undefined) {
            return readRoute(base, (ctx) => {
                const window = timeWindow(ctx);
                const { mailbox: mb, item: master } = event(ctx);
                const items = master.type === 'seriesMaster' ? instances(mb, master, window) : [];
                return listResponse(ctx, mb, items, `${ownerFragment(ctx, owner)}/events('${id}')/instances`);
            });
        }
        const instance: Locate = (ctx) => locateInstance(ctx, owner, scope, id, instanceId);
        if (tail.length === 3) return itemRoute(base, instance);
        if (tail.length === 4 && tailLower[3] === 'cancel') return cancelRoute(base, instance);
        if (tail.length === 4 && tailLower[3] === 'decline') return declineRoute(base, instance);
    }
    const unknown = tail.find((_, k) => k > 0) ?? id;
    throw segmentNotFound(unknown);
}

function calendarWire(mailbox: Mailbox, calendarId: string) {
    const c = mailbox.calendars.find((x) => x.id === calendarId);
    if (!c) throw itemNotFound();
    return {
        id: c.id,
        name: c.name,
        color: 'auto',
        isDefaultCalendar: c.isDefault,
        changeKey: 'AAAAAA==',
        canShare: true,
        canViewPrivateItems: true,
        canEdit: true,
        allowedOnlineMeetingProviders: ['teamsForBusiness'],
        defaultOnlineMeetingProvider: 'teamsForBusiness',
        isTallyingResponses: true,
        isRemovable: !c.isDefault,
        owner: { name: mailbox.displayName, address: mailbox.address },
    };
}

function calendarGetRoute(base: OwnerRouteBase, calendarId?: string): Route {
    return readRoute(base, (ctx) => {
        const mb = resolveMailbox(ctx, base.owner);
        const id = calendarId ?? mb.calendars.find((c) => c.isDefault)?.id ?? '';
        if (calendarId !== undefined) checkId(calendarId);
        return jsonResponse(200, {
            '@odata.context': odataContext(ctx.version, `${ownerFragment(ctx, base.owner)}/calendars/$entity`),
            ...calendarWire(mb, id),
        });
    });
}

function calendarListRoute(base: OwnerRouteBase, groupId: string | undefined): Route {
    return readRoute(base, (ctx) => {
        const mb = resolveMailbox(ctx, base.owner);
        if (groupId !== undefined && !mb.calendarGroups.some((g) => g.id === groupId)) throw itemNotFound();
        const calendars = mb.calendars.filter((c) => groupId === undefined || c.calendarGroupId === groupId);
        return jsonResponse(200, {
            '@odata.context': odataContext(ctx.version, `${ownerFragment(ctx, base.owner)}/calendars`),
            value: calendars.map((c) => calendarWire(mb, c.id)),
        });
    });
}

function calendarGroupListRoute(base: OwnerRouteBase): Route {
    return readRoute(base, (ctx) => {
        const mb = resolveMailbox(ctx, base.owner);
        return jsonResponse(200, {
            '@odata.context': odataContext(ctx.version, `${ownerFragment(ctx, base.owner)}/calendarGroups`),
            value: mb.calendarGroups.map((g) => ({
                id: g.id,
                name: g.name,
                classId: g.classId,
                changeKey: g.changeKey,
            })),
        });
    });
}
