import { Semaphore } from './concurrency';
import { errorEnvelope, GraphError } from './errors';
import { handleGraph } from './graph';
import { type EmuRequest, type EmuResponse, jsonResponse, parseTarget } from './http';
import { newGuid } from './ids';
import { readJsonObject } from './body';
import { type Route, type RouteContext, type Version } from './routeTypes';

export const maxBatchRequests = 20;
const perMailboxInBatch = 4;

interface BatchItem {
    id: string;
    method: string;
    url: string;
    headers: Record<string, string>;
    body: unknown;
    dependsOn: string[];
}

function bad(message: string): GraphError {
    return new GraphError(400, 'BadRequest', message);
}

function parseItems(body: Record<string, unknown>): BatchItem[] {
    const requests = body.requests;
    if (!Array.isArray(requests)) throw bad('Invalid batch payload format.');
    if (requests.length > maxBatchRequests) {
        throw bad(`The number of batch requests exceeds the limit of ${maxBatchRequests}.`);
    }
    if (requests.length === 0) throw bad('Invalid batch payload format. The batch must contain at least one request.');
    const items: BatchItem[] = [];
    const seen = new Set<string>();
    for (const raw of requests as unknown[]) {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad('Invalid batch payload format.');
        const r = raw as Record<string, unknown>;
        const id = typeof r.id === 'number' ? String(r.id) : r.id;
        if (typeof id !== 'string' || id === '') throw bad('Batch request is missing the required "id" property.');
        if (seen.has(id)) throw bad(`Request Id ${id} is a duplicate.`);
        seen.add(id);
        if (typeof r.method !== 'string' || !/^(GET|POST|PUT|PATCH|DELETE)$/i.test(r.method)) {
            throw bad(`Invalid method for request id ${id}.`);
        }
        if (typeof r.url !== 'string' || r.url === '') throw bad(`Invalid url for request id ${id}.`);
        if (/^[a-z][a-z0-9+.-]*:/i.test(r.url)) throw bad(`Request id ${id}: the url must be relative.`);
        const headers: Record<string, string> = {};
        if (r.headers !== undefined) {
            if (r.headers === null || typeof r.headers !== 'object' || Array.isArray(r.headers)) {
                throw bad(`Invalid headers for request id ${id}.`);
            }
            for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
                if (typeof v === 'string') headers[k.toLowerCase()] = v;
            }
        }
        if (r.body !== undefined && r.body !== null && headers['content-type'] === undefined) {
            throw bad(`Write request id : ${id} does not contain Content-Type header or body.`);
        }
        let dependsOn: string[] = [];
        if (r.dependsOn !== undefined) {
            if (
                !Array.isArray(r.dependsOn) ||
                !r.dependsOn.every((d) => typeof d === 'string' || typeof d === 'number')
            ) {
                throw bad(`Invalid dependsOn for request id ${id}.`);
            }
            dependsOn = r.dependsOn.map(String);
        }
        items.push({ id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn });
    }
    for (const item of items) {
        for (const dep of item.dependsOn) {
            if (!seen.has(dep) || dep === item.id)
                throw bad(`Request id ${item.id} depends on an unknown request id ${dep}.`);
        }
    }
    // Reject cycles: every item must be reachable in dependency order.
    const done = new Set<string>();
    let progress = true;
    while (progress) {
        progress = false;
        for (const item of items) {
            if (!done.has(item.id) && item.dependsOn.every((d) => done.has(d))) {
                done.add(item.id);
                progress = true;
            }
        }
    }
    if (done.size !== items.length) throw bad('The dependsOn graph of the batch contains a cycle.');
    return items;
}

function itemRequest(outer: EmuRequest, item: BatchItem): EmuRequest {
    const url = parseTarget(item.url.startsWith('/') ? item.url : `/${item.url}`);
    let body = Buffer.alloc(0);
    if (item.body !== undefined && item.body !== null) {
        body = Buffer.from(typeof item.body === 'string' ? item.body : JSON.stringify(item.body));
    }
    return {
        origin: outer.origin,
        method: item.method,
        path: url.pathname,
        query: url.searchParams,
        headers: { ...item.headers, authorization: outer.headers.authorization },
        body,
        requestId: newGuid(),
        clientRequestId: item.headers['client-request-id'] ?? outer.clientRequestId,
        batch: { requestId: outer.requestId, itemId: item.id },
    };
}

function itemResponse(id: string, response: EmuResponse, req: EmuRequest): Record<string, unknown> {
    const headers: Record<string, string> = { ...response.headers };
    if (response.body !== undefined) headers['Content-Type'] = 'application/json; odata.metadata=minimal';
    headers['request-id'] = req.requestId;
    headers['client-request-id'] = req.clientRequestId;
    return { id, status: response.status, headers, ...(response.body !== undefined ? { body: response.body } : {}) };
}

async function runBatch(ctx: RouteContext): Promise<EmuResponse> {
    const body = readJsonObject(ctx.req, { optional: false }) ?? {};
    const items = parseItems(body);
    const results = new Map<string, { status: number; out: Record<string, unknown> }>();
    const semaphores = new Map<string, Semaphore>();
    const running = new Map<string, Promise<void>>();
    const mailboxOf = (item: BatchItem): string => {
        const m = /\/(?:users|groups)\/([^/?]+)/i.exec(item.url) ?? /bookingBusinesses\/([^/?]+)/i.exec(item.url);
        const ref = m?.[1] ? decodeURIComponent(m[1]) : 'me';
        return ctx.state.tenant.findMailbox(ref)?.id ?? ref.toLowerCase();
    };
    const run = (item: BatchItem): Promise<void> => {
        const existing = running.get(item.id);
        if (existing) return existing;
        const promise = (async () => {
            await Promise.all(item.dependsOn.map((d) => run(items.find((i) => i.id === d) as BatchItem)));
            const req = itemRequest(ctx.req, item);
            const failed = item.dependsOn.find((d) => (results.get(d)?.status ?? 0) >= 400);
            if (failed !== undefined) {
                results.set(item.id, {
                    status: 424,
                    out: itemResponse(
                        item.id,
                        {
                            status: 424,
                            headers: {},
                            body: errorEnvelope(
                                'FailedDependency',
                                `Dependent request ${failed} failed.`,
                                req.requestId,
                                req.clientRequestId,
                            ),
                        },
                        req,
                    ),
                });
                return;
            }
            const key = mailboxOf(item);
            let semaphore = semaphores.get(key);
            if (!semaphore) {
                semaphore = new Semaphore(perMailboxInBatch);
                semaphores.set(key, semaphore);
            }
            const response = await semaphore.run(() =>
                handleGraph(ctx.state, req, { principal: ctx.principal, version: ctx.version }),
            );
            results.set(item.id, { status: response.status, out: itemResponse(item.id, response, req) });
        })();
        running.set(item.id, promise);
        return promise;
    };
    await Promise.all(items.map(run));
    return jsonResponse(200, { responses: items.map((i) => results.get(i.id)?.out) });
}

export function batchRoute(_version: Version): Route {
    return { api: 'batch', methods: ['POST'], handle: runBatch };
}
