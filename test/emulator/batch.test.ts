import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { type RequestLogEntry } from '../../dev/graph-emulator/requestLog';
import { alice, appToken, bob, Client, errorOf, useEmulator } from './helpers';

const emu = useEmulator();

interface ItemResponse {
    id: string;
    status: number;
    headers: Record<string, string>;
    body?: { error?: { code: string; message: string } } & Record<string, unknown>;
}

async function batch(
    requests: unknown[],
    path = '/v1.0/$batch',
    c = emu.client,
): Promise<{ status: number; responses: ItemResponse[]; json: Record<string, unknown> }> {
    const reply = await c.post(path, { requests });
    return { status: reply.status, responses: (reply.json.responses as ItemResponse[]) ?? [], json: reply.json };
}

const byId = (responses: ItemResponse[], id: string): ItemResponse | undefined => responses.find((r) => r.id === id);

test('items run through the same router; per-item status, headers and body', async () => {
    const result = await batch([
        { id: '1', method: 'GET', url: `/users/${alice}/events/${demoIds.budgetReviewId}?$select=subject` },
        {
            id: '2',
            method: 'POST',
            url: `/users/${alice}/events/${demoIds.kickoffId}/cancel`,
            headers: { 'Content-Type': 'application/json' },
            body: { comment: 'batched' },
        },
        { id: '3', method: 'GET', url: `/users/${alice}/events/AAMkADmissing=` },
        { id: '4', method: 'GET', url: `/solutions/bookingBusinesses/${encodeURIComponent(demoIds.businessId)}` },
    ]);
    expect(result.status).toBe(200);
    expect(byId(result.responses, '1')).toMatchObject({ status: 200, body: { subject: 'Budget review' } });
    expect(byId(result.responses, '2')?.status).toBe(202);
    expect(byId(result.responses, '2')?.body).toBeUndefined();
    expect(byId(result.responses, '3')?.status).toBe(404);
    expect(byId(result.responses, '3')?.body?.error?.code).toBe('ErrorItemNotFound');
    expect(byId(result.responses, '4')?.status).toBe(200);
    const moved = (await emu.client.mailbox(alice)).find((i) => i.previousIds.includes(demoIds.kickoffId));
    expect(moved?.cancelComment).toBe('batched');
});

test('/$batch and /beta/$batch work too', async () => {
    const root = await batch(
        [{ id: 'a', method: 'GET', url: `/users/${alice}/events/${demoIds.teamSyncId}` }],
        '/$batch',
    );
    expect(root.responses[0]?.status).toBe(200);
    expect(root.responses[0]?.body).not.toHaveProperty('uid');
    const beta = await batch(
        [{ id: 'a', method: 'GET', url: `/users/${alice}/events/${demoIds.teamSyncId}` }],
        '/beta/$batch',
    );
    expect(beta.responses[0]?.body).toHaveProperty('uid');
});

test('more than 20 requests → 400', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
        id: String(i + 1),
        method: 'GET',
        url: `/users/${alice}`,
    }));
    const result = await batch(requests);
    expect(result.status).toBe(400);
    expect((result.json.error as { code: string }).code).toBe('BadRequest');
    const twenty = await batch(requests.slice(0, 20));
    expect(twenty.status).toBe(200);
    expect(twenty.responses).toHaveLength(20);
});

test('duplicate ids → 400; body without Content-Type → 400; absolute url → 400', async () => {
    const dup = await batch([
        { id: '1', method: 'GET', url: `/users/${alice}` },
        { id: '1', method: 'GET', url: `/users/${bob}` },
    ]);
    expect(dup.status).toBe(400);
    const noType = await batch([{ id: '1', method: 'POST', url: `/users/${alice}/events/x/cancel`, body: {} }]);
    expect(noType.status).toBe(400);
    const absolute = await batch([{ id: '1', method: 'GET', url: `https://graph.microsoft.com/v1.0/users/${alice}` }]);
    expect(absolute.status).toBe(400);
    const unknownDependency = await batch([{ id: '1', method: 'GET', url: `/users/${alice}`, dependsOn: ['9'] }]);
    expect(unknownDependency.status).toBe(400);
});

test('dependsOn: runs in order; a failed dependency gives 424', async () => {
    const result = await batch([
        { id: '1', method: 'GET', url: `/users/${alice}/events/AAMkADmissing=` },
        {
            id: '2',
            method: 'POST',
            url: `/users/${alice}/events/${demoIds.budgetReviewId}/cancel`,
            headers: { 'Content-Type': 'application/json' },
            body: {},
            dependsOn: ['1'],
        },
        { id: '3', method: 'GET', url: `/users/${alice}/events/${demoIds.budgetReviewId}` },
        {
            id: '4',
            method: 'POST',
            url: `/users/${alice}/events/${demoIds.budgetReviewId}/cancel`,
            headers: { 'Content-Type': 'application/json' },
            body: {},
            dependsOn: ['3'],
        },
        { id: '5', method: 'GET', url: `/users/${alice}/events/${demoIds.budgetReviewId}`, dependsOn: ['4'] },
    ]);
    expect(byId(result.responses, '2')?.status).toBe(424);
    expect(byId(result.responses, '3')?.status).toBe(200);
    expect(byId(result.responses, '4')?.status).toBe(202);
    expect(byId(result.responses, '5')?.status).toBe(404);
});

test('items are throttled individually: per-item 429 with its own Retry-After', async () => {
    await emu.client.admin('PUT', '/faults', [{ path: `/users/${bob}`, status: 429, retryAfterSeconds: 7 }]);
    const result = await batch([
        { id: 'a', method: 'GET', url: `/users/${alice}/events` },
        { id: 'b', method: 'GET', url: `/users/${bob}/events` },
    ]);
    expect(result.status).toBe(200);
    expect(byId(result.responses, 'a')?.status).toBe(200);
    const throttled = byId(result.responses, 'b');
    expect(throttled?.status).toBe(429);
    expect(throttled?.headers['Retry-After']).toBe('7');
    expect(throttled?.body?.error?.code).toBe('TooManyRequests');
});

test('auth comes from the outer token: none → 401 for the envelope; missing role → 403 per item', async () => {
    const anonymous = new Client(emu.emulator);
    anonymous.token = undefined;
    const reply = await anonymous.post('/v1.0/$batch', {
        requests: [{ id: '1', method: 'GET', url: `/users/${alice}` }],
    });
    expect(reply.status).toBe(401);
    const limited = new Client(emu.emulator, appToken(['User.Read.All']));
    const result = await batch(
        [
            { id: '1', method: 'GET', url: `/users/${alice}` },
            { id: '2', method: 'GET', url: `/users/${alice}/events` },
        ],
        '/v1.0/$batch',
        limited,
    );
    expect(byId(result.responses, '1')?.status).toBe(200);
    expect(byId(result.responses, '2')?.status).toBe(403);
    expect(byId(result.responses, '2')?.body?.error?.code).toBe('ErrorAccessDenied');
});

test('at most 4 items run at once per mailbox; items are logged as batch items', async () => {
    await emu.client.admin('PUT', '/faults', [{ path: `/users/${alice}/events`, latencyMs: 150, inBatch: 'only' }]);
    await emu.client.admin('DELETE', '/requests');
    const started = Date.now();
    const result = await batch(
        Array.from({ length: 8 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${alice}/events` })),
    );
    expect(result.responses.every((r) => r.status === 200)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const log = (await emu.client.admin('GET', '/requests')).json.value as RequestLogEntry[];
    const items = log.filter((e) => e.inBatch);
    expect(items).toHaveLength(8);
    expect(items.every((e) => e.mailbox === alice && e.batchRequestId !== null && e.status === 200)).toBe(true);
    const outer = log.find((e) => !e.inBatch);
    expect(outer?.path).toBe('/v1.0/$batch');
    expect(new Set(items.map((e) => e.batchRequestId))).toEqual(new Set([outer?.requestId]));
    // Overlap: sort by start; at no start instant are more than 4 items running.
    for (const e of items) {
        const t = Date.parse(e.startedAt);
        const running = items.filter((o) => Date.parse(o.startedAt) <= t && Date.parse(o.finishedAt ?? '') > t);
        expect(running.length).toBeLessThanOrEqual(4);
    }
});

test('the request log gives precise start and finish times, and reads from a seq on', async () => {
    await emu.client.admin('DELETE', '/requests');
    await batch(Array.from({ length: 3 }, (_, i) => ({ id: String(i), method: 'GET', url: `/users/${alice}` })));
    const log = (await emu.client.admin('GET', '/requests')).json.value as RequestLogEntry[];
    expect(log).toHaveLength(4);
    for (const entry of log) {
        expect(entry.finishedAtMs).toBeGreaterThanOrEqual(entry.startedAtMs);
        // The same instants as the ISO stamps, to within the gap between the wall and the monotonic clock.
        expect(Math.abs(entry.startedAtMs - Date.parse(entry.startedAt))).toBeLessThan(1_000);
    }
    const outer = log.find((e) => !e.inBatch)!;
    const items = log.filter((e) => e.inBatch);
    // The $batch encloses its items.
    for (const item of items) {
        expect(item.startedAtMs).toBeGreaterThanOrEqual(outer.startedAtMs);
        expect(item.finishedAtMs).toBeLessThanOrEqual(outer.finishedAtMs!);
    }
    const first = Math.min(...log.map((e) => e.seq));
    const later = (await emu.client.admin('GET', `/requests?afterSeq=${first}`)).json.value as RequestLogEntry[];
    expect(later.map((e) => e.seq)).toEqual(log.map((e) => e.seq).filter((seq) => seq > first));
    expect((await emu.client.admin('GET', '/requests?afterSeq=soon')).status).toBe(400);
});

test('malformed batch body → 400', async () => {
    const reply = await emu.client.post('/v1.0/$batch', '{"requests": [', { 'Content-Type': 'application/json' });
    expect(reply.status).toBe(400);
    expect(errorOf(reply).message).toMatch(/^Unable to read JSON request payload/);
    const notArray = await emu.client.post('/v1.0/$batch', { requests: 'x' });
    expect(notArray.status).toBe(400);
});
