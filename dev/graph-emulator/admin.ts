import { readJsonObject } from './body';
import { GraphError, segmentNotFound } from './errors';
import { faultConfigSchema } from './faults';
import { cancelInBookings, lifecycle, listSubscriptions, notificationLog, outlookAction } from './feed/admin';
import { parseFixture } from './fixture';
import { type DemoOptions, demoFixture } from './demoTenant';
import { type EmuRequest, type EmuResponse, emptyResponse, jsonResponse, pathSegments, queryParam } from './http';
import { currentKeys, rotateKeys } from './keys';
import { adminAppointmentView } from './store/bookings';
import { adminItemView, findItem, purgeItem, restoreFromDeletedItems } from './store/events';
import { FixtureError, Tenant } from './store/tenant';
import { type EmulatorState } from './state';

function method(req: EmuRequest, allowed: string[]): void {
    if (!allowed.includes(req.method)) {
        throw new GraphError(405, 'BadRequest', 'The OData request is not supported.', { Allow: allowed.join(', ') });
    }
}

/**
 * `POST /_emulator/mailboxes/{m}/events/{id}/restore|purge`, by regular or immutable id: what a person does in
 * Outlook that Graph's cancel cannot undo. Answers the item's admin view (a purged item's last one).
 */
function itemAction(state: EmulatorState, req: EmuRequest, mailboxRef: string, id: string, action: string) {
    if (action !== 'restore' && action !== 'purge') throw segmentNotFound(action);
    method(req, ['POST']);
    const mailbox = state.tenant.findMailbox(mailboxRef);
    if (!mailbox) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${mailboxRef}' is invalid.`);
    const item = findItem(mailbox, id);
    if (!item) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (action === 'restore') restoreFromDeletedItems(mailbox, item);
    else purgeItem(mailbox, item);
    return jsonResponse(200, adminItemView(item, mailbox));
}

function zodDetails(issues: readonly { code: string; message: string; path: PropertyKey[] }[]): unknown[] {
    return issues.map((i) => ({ code: i.code, message: i.message, target: i.path.map(String).join('.') }));
}

/** Builds a tenant from a fixture body (or the demo tenant when there is none); 400 with the issues otherwise. */
export function tenantFromBody(value: unknown, options: DemoOptions = {}): Tenant {
    const parsed = parseFixture(value ?? demoFixture(Date.now(), options));
    if (!parsed.success) {
        throw new GraphError(400, 'BadRequest', 'Invalid fixture.', {}, zodDetails(parsed.error.issues));
    }
    try {
        return new Tenant(parsed.data);
    } catch (error) {
        if (error instanceof FixtureError) {
            throw new GraphError(400, 'BadRequest', 'Invalid fixture.', {}, [
                { code: 'invalid_reference', message: error.message, target: error.path.map(String).join('.') },
            ]);
        }
        throw error;
    }
}

/** `POST /_emulator/reset?preset=offboarding`: the demo tenant with the departing user (demoTenant.ts). */
function demoPreset(req: EmuRequest): DemoOptions {
    const preset = queryParam(req.query, 'preset');
    if (preset === undefined) return {};
    if (preset === 'offboarding') return { departingUser: true };
    throw new GraphError(400, 'BadRequest', `Unknown preset '${preset}'; known: offboarding.`);
}

/** `/_emulator/…`: reset, mailbox and bookings views, request log, faults, key rotation. No auth. */
export function handleAdmin(state: EmulatorState, req: EmuRequest): EmuResponse {
    const segs = pathSegments(req.path).slice(1);
    const lower = segs.map((s) => s.toLowerCase());
    const [first] = lower;
    if (first === 'health' && segs.length === 1) {
        method(req, ['GET']);
        return jsonResponse(200, { status: 'ok', tenantId: state.tenant.tenantId });
    }
    if (first === 'reset' && segs.length === 1) {
        method(req, ['POST']);
        const body = readJsonObject(req, { optional: true });
        state.tenant = tenantFromBody(body, demoPreset(req));
        state.faults.clear();
        state.sendingLimit.clear();
        state.clock.reset();
        state.log.clear();
        state.notifier.reset();
        return jsonResponse(200, {
            tenantId: state.tenant.tenantId,
            users: state.tenant.users.length,
            groups: state.tenant.groups.length,
            bookingBusinesses: state.tenant.businesses.length,
        });
    }
    if (first === 'mailboxes' && segs.length === 3 && lower[2] === 'events') {
        method(req, ['GET']);
        const mailbox = state.tenant.findMailbox(segs[1] ?? '');
        if (!mailbox)
            throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${segs[1] ?? ''}' is invalid.`);
        const value = [...mailbox.items.values()]
            .sort((a, b) => a.start - b.start)
            .map((item) => adminItemView(item, mailbox));
        return jsonResponse(200, { mailbox: mailbox.address, value });
    }
    if (
        first === 'mailboxes' &&
        segs.length === 5 &&
        lower[2] === 'events' &&
        (lower[4] === 'cancelinoutlook' || lower[4] === 'deleteinoutlook')
    ) {
        return outlookAction(state, req, segs[1] ?? '', segs[3] ?? '', lower[4]);
    }
    if (
        first === 'bookingbusinesses' &&
        segs.length === 5 &&
        lower[2] === 'appointments' &&
        lower[4] === 'cancelinbookings'
    ) {
        return cancelInBookings(state, req, segs[1] ?? '', segs[3] ?? '');
    }
    if (first === 'subscriptions' && segs.length === 1) return listSubscriptions(state, req);
    if (first === 'subscriptions' && segs.length === 3 && lower[2] === 'lifecycle') {
        return lifecycle(state, req, segs[1] ?? '');
    }
    if (first === 'notifications' && segs.length === 1) return notificationLog(state, req);
    if (first === 'mailboxes' && segs.length === 5 && lower[2] === 'events') {
        return itemAction(state, req, segs[1] ?? '', segs[3] ?? '', lower[4] ?? '');
    }
    if (first === 'bookings' && segs.length === 3 && lower[2] === 'appointments') {
        method(req, ['GET']);
        const business = state.tenant.findBusiness(segs[1] ?? '');
        if (!business)
            throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
        return jsonResponse(200, { value: [...business.appointments.values()].map(adminAppointmentView) });
    }
    if (first === 'requests' && segs.length === 1) {
        method(req, ['GET', 'DELETE']);
        if (req.method === 'DELETE') {
            state.log.clear();
            return emptyResponse(204);
        }
        const afterSeq = queryParam(req.query, 'afterSeq');
        if (afterSeq !== undefined && !/^\d{1,15}$/.test(afterSeq)) {
            throw new GraphError(400, 'BadRequest', `afterSeq must be a whole number, not "${afterSeq}".`);
        }
        return jsonResponse(200, { value: state.log.list(Number(afterSeq ?? 0)) });
    }
    if (first === 'faults' && lower[1] === 'release' && segs.length === 2) {
        method(req, ['POST']);
        return jsonResponse(200, { released: state.faults.release() });
    }
    if (first === 'faults' && segs.length === 1) {
        method(req, ['GET', 'PUT', 'DELETE']);
        if (req.method === 'DELETE') {
            state.faults.clear();
            state.sendingLimit.clear();
            state.notifier.dropNotifications = null;
            return emptyResponse(204);
        }
        if (req.method === 'PUT') {
            const text = req.body.toString('utf8');
            let value: unknown;
            try {
                value = JSON.parse(text);
            } catch {
                throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload.');
            }
            const parsed = faultConfigSchema.safeParse(value);
            if (!parsed.success) {
                throw new GraphError(400, 'BadRequest', 'Invalid fault rules.', {}, zodDetails(parsed.error.issues));
            }
            if (Array.isArray(parsed.data)) {
                state.faults.set(parsed.data);
            } else {
                if (parsed.data.dropNotifications !== undefined) {
                    state.notifier.dropNotifications = parsed.data.dropNotifications;
                }
                state.faults.set(parsed.data.rules, parsed.data.seed);
                if (parsed.data.mailboxConcurrency)
                    state.faults.mailboxConcurrency = { ...parsed.data.mailboxConcurrency };
                if (parsed.data.sendingLimit !== undefined) state.sendingLimit.configure(parsed.data.sendingLimit);
            }
        }
        return jsonResponse(200, {
            value: state.faults.list(),
            mailboxConcurrency: state.faults.mailboxConcurrency,
            sendingLimit: state.sendingLimit.config,
            held: state.faults.held,
            dropNotifications: state.notifier.dropNotifications,
        });
    }
    if (first === 'clock' && segs.length === 1) {
        method(req, ['GET']);
        return jsonResponse(200, { now: new Date(state.clock.now()).toISOString() });
    }
    if (first === 'clock' && lower[1] === 'advance' && segs.length === 2) {
        method(req, ['POST']);
        const ms = readJsonObject(req, { optional: false })?.ms;
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
            throw new GraphError(400, 'BadRequest', 'Expected {"ms": n} with n a non-negative number.');
        }
        state.clock.advance(ms);
        return jsonResponse(200, { now: new Date(state.clock.now()).toISOString() });
    }
    if (first === 'keys' && segs.length === 1) {
        method(req, ['GET']);
        return jsonResponse(200, { value: currentKeys().map((k) => k.publicJwk) });
    }
    if (first === 'keys' && lower[1] === 'rotate' && segs.length === 2) {
        method(req, ['POST']);
        const body = readJsonObject(req, { optional: true });
        const keys = rotateKeys(body?.dropOld === true);
        return jsonResponse(200, { kid: keys[0]?.kid, value: keys.map((k) => k.publicJwk) });
    }
    throw segmentNotFound(segs[segs.length - 1] ?? '_emulator');
}
