import { authenticate, meWithAppToken, type Principal, requirePermission } from './auth';
import { errorEnvelope, GraphError } from './errors';
import { type EmuRequest, type EmuResponse, pathSegments, sleep } from './http';
import { resolveRoute } from './router';
import { type RouteContext, type Version } from './routeTypes';
import { type EmulatorState } from './state';

/** Turns anything thrown by a handler into Graph's error envelope; unexpected errors become 500, never a crash. */
export function errorResponse(error: unknown, req: EmuRequest): EmuResponse {
    if (error instanceof GraphError) {
        return {
            status: error.status,
            headers: { ...error.headers },
            body: errorEnvelope(error.code, error.message, req.requestId, req.clientRequestId, error.details),
        };
    }
    return {
        status: 500,
        headers: {},
        body: errorEnvelope(
            'generalException',
            'An internal server error occurred.',
            req.requestId,
            req.clientRequestId,
        ),
    };
}

export interface InnerCall {
    principal: Principal;
    version: Version;
}

/**
 * The Graph pipeline, shared by top-level requests and `$batch` items: auth → route → method → `/me` check →
 * permissions → per-mailbox concurrency → injected faults → handler. Every call lands in the request log.
 */
export async function handleGraph(state: EmulatorState, req: EmuRequest, inner?: InnerCall): Promise<EmuResponse> {
    const all = pathSegments(req.path);
    let version: Version = inner?.version ?? 'v1.0';
    let segs = all;
    if (!inner) {
        const first = all[0]?.toLowerCase();
        if (first === 'v1.0' || first === 'beta') {
            version = first;
            segs = all.slice(1);
        }
    }
    const entry = state.log.start({
        method: req.method,
        path: req.path + (req.query.size > 0 ? `?${req.query.toString()}` : ''),
        requestId: req.requestId,
        clientRequestId: req.clientRequestId,
        appId: inner?.principal.appId ?? null,
        mailbox: null,
        inBatch: req.batch !== undefined,
        batchRequestId: req.batch?.requestId ?? null,
        batchItemId: req.batch?.itemId ?? null,
    });
    let response: EmuResponse;
    try {
        const principal =
            inner?.principal ??
            (await authenticate(req.headers.authorization, new Set([state.tenant.tenantId.toLowerCase()])));
        entry.appId = principal.appId;
        if (!inner && segs === all && all[0]?.toLowerCase() !== '$batch') {
            throw new GraphError(400, 'BadRequest', `Invalid version: ${all[0] ?? ''}`);
        }
        const route = resolveRoute(version, segs, inner !== undefined);
        if (!route.methods.includes(req.method)) {
            throw new GraphError(405, 'BadRequest', 'The OData request is not supported.', {
                Allow: route.methods.join(', '),
            });
        }
        if (route.owner?.kind === 'me' && principal.kind === 'app') throw meWithAppToken();
        if (route.permissions && route.api !== 'batch') {
            requirePermission(principal, route.permissions(req.method), route.api);
        }
        const ctx: RouteContext = { state, req, version, principal };
        const mailbox = route.mailbox?.(ctx);
        entry.mailbox = mailbox ?? null;
        const limit = state.faults.mailboxConcurrency;
        const release =
            mailbox !== undefined && route.api !== 'directory' && route.api !== 'batch' && limit.enabled
                ? state.concurrency.acquire(principal.appId, mailbox, limit.limit)
                : () => undefined;
        try {
            const rel = `/${segs.join('/')}`;
            const fault = state.faults.match(req.method, [`/${version}${rel}`, rel], req.batch !== undefined);
            if (fault) {
                if (fault.latencyMs > 0) await sleep(fault.latencyMs);
                if (fault.held) await fault.held;
                if (fault.error) {
                    entry.fault = true;
                    throw new GraphError(
                        fault.error.status,
                        fault.error.code,
                        fault.error.message,
                        fault.error.headers,
                    );
                }
            }
            response = await route.handle(ctx);
        } finally {
            release();
        }
    } catch (error) {
        response = errorResponse(error, req);
        if (error instanceof GraphError) entry.error = error.code;
        else entry.error = String(error);
    }
    state.log.finish(entry, response.status);
    return response;
}
