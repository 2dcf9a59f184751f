import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { repoRoot } from '../../dev/paths';
import { routeTable } from '../../src/http/routes/routeTable';
import { webhookPayloadSchema } from '../../src/http/schemas';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; $ref?: string };
const swagger = JSON.parse(readFileSync(path.join(repoRoot, 'connector', 'apiDefinition.swagger.json'), 'utf8')) as {
    definitions: Record<string, Schema>;
    paths: Record<string, Record<string, { schema: Schema }>>;
};

/** Every property of the value is declared by the schema, with its type. */
function conforms(value: unknown, schema: Schema, at = '$'): string[] {
    if (value === null || value === undefined) return [];
    if (schema.type === 'object' && schema.properties) {
        if (typeof value !== 'object') return [`${at}: not an object`];
        return Object.entries(value).flatMap(([k, v]) =>
            schema.properties![k] ? conforms(v, schema.properties![k], `${at}.${k}`) : [`${at}.${k}: undeclared`],
        );
    }
    if (schema.type === 'array') {
        return Array.isArray(value) ? value.flatMap((v, i) => conforms(v, schema.items ?? {}, `${at}[${i}]`)) : [];
    }
    if (schema.type === 'integer' || schema.type === 'number') return typeof value === 'number' ? [] : [`${at}: type`];
    if (schema.type === 'string') return typeof value === 'string' ? [] : [`${at}: type`];
    if (schema.type === 'boolean') return typeof value === 'boolean' ? [] : [`${at}: type`];
    return [];
}

describe('the connector against the local stack', () => {
    const local = useLocalStack();

    it('GET /api/openapi.json answers anonymously with a document covering every routeTable entry', async () => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/openapi.json`);
        expect(response.status).toBe(200);
        const doc = (await response.json()) as { openapi: string; servers: Array<{ url: string }>; paths: object };
        expect(doc.openapi).toMatch(/^3\.0\./);
        expect(doc.servers[0]?.url).toBe(`${local.stack.gatewayUrl}/api`);
        const paths = doc.paths as Record<string, Record<string, unknown>>;
        for (const entry of routeTable) {
            for (const method of entry.methods) expect(paths[`/${entry.route}`]?.[method.toLowerCase()]).toBeDefined();
        }
    });

    it('subscribe 201 + Location → a cancellation → the callback gets the notification content → DELETE 204', async () => {
        const received: string[] = [];
        const server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
                received.push(Buffer.concat(chunks).toString('utf8'));
                res.writeHead(202).end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
            const callback = `http://127.0.0.1:${(server.address() as AddressInfo).port}/flow-callback`;
            const connection = local.stack.token({
                user: devTenant.users[0].userPrincipalName,
                scp: ['Calendars.ReadWrite', 'Subscriptions.ReadWrite.All'],
            });
            const headers = { Authorization: `Bearer ${connection}`, 'Content-Type': 'application/json' };

            // What Power Automate sends for OnCancellation: the trigger's body with the callback URL filled in.
            const subscribed = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
                method: 'POST',
                headers,
                body: JSON.stringify({ notificationUrl: callback, eventTypes: ['event.cancelled'] }),
            });
            expect(subscribed.status).toBe(201);
            const location = subscribed.headers.get('location') ?? '';
            expect(new URL(location).href).toBe(location); // absolute
            expect(location).toMatch(/\/api\/subscriptions\/[^/]+$/);

            // CancelEvent as the connector calls it.
            const cancelled = await fetch(
                `${local.stack.gatewayUrl}/api/v1.0/users/${encodeURIComponent(devTenant.users[0].userPrincipalName)}/events/${demoIds.budgetReviewId}/cancel`,
                { method: 'POST', headers, body: JSON.stringify({ comment: 'Moved' }) },
            );
            expect(cancelled.status).toBe(202);

            await until('the notification', () => (received.length > 0 ? true : undefined));
            const payload = JSON.parse(received[0]!) as { type: string; data: { comment?: string } };
            expect(payload.type).toBe('event.cancelled');
            expect(payload.data.comment).toBe('Moved');
            expect(webhookPayloadSchema.safeParse(payload).success).toBe(true);
            const content = swagger.definitions.CancellationNotification!;
            expect(conforms(payload, content)).toEqual([]);

            // Turning the flow off: the platform DELETEs the Location.
            const deleted = await fetch(location, {
                method: 'DELETE',
                headers: { Authorization: headers.Authorization },
            });
            expect(deleted.status).toBe(204);
            expect((await fetch(location, { headers: { Authorization: headers.Authorization } })).status).toBe(404);
        } finally {
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    });
});
