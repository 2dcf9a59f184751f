import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV2 } from 'openapi-types';
import * as path from 'node:path';
import { repoRoot } from '../../dev/paths';
import {
    buildConnectorSwagger,
    buildOpenApi3,
    connectorDefinitions,
    swagger2Schema,
    withoutExtensions,
} from '../../src/http/openapi';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeTable } from '../../src/http/routes/routeTable';
import { webhookPayloadSchema } from '../../src/http/schemas';

const apiDefinitionPath = path.join(repoRoot, 'connector', 'apiDefinition.swagger.json');
const committed = JSON.parse(readFileSync(apiDefinitionPath, 'utf8')) as OpenAPIV2.Document;
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Same segments, case-insensitive literals, a parameter only where the route has one (names by position). */
function sameTemplate(connectorPath: string, route: string): boolean {
    const want = route.split('/');
    const got = connectorPath.replace(/^\//, '').split('/');
    return (
        want.length === got.length &&
        want.every((segment, i) => {
            const value = got[i] ?? '';
            if (/^\{[^}]+\}$/.test(segment)) return value !== '';
            return segment.toLowerCase() === value.toLowerCase();
        })
    );
}

function operations(doc: OpenAPIV2.Document) {
    return Object.entries(doc.paths).flatMap(([path, item]) =>
        methods
            .filter((m) => (item as Record<string, unknown>)[m] !== undefined)
            .map((m) => ({ path, method: m, op: (item as Record<string, OpenAPIV2.OperationObject>)[m]! })),
    );
}

describe('the connector definition (connector/apiDefinition.swagger.json)', () => {
    it('is what the generator writes now (regenerate with node dist/dev/connector/generate.js)', () => {
        expect(committed).toEqual(JSON.parse(JSON.stringify(buildConnectorSwagger())));
    });

    it('validates as Swagger 2.0', async () => {
        await expect(SwaggerParser.validate(structuredClone(committed))).resolves.toBeDefined();
    });

    it('has the actions, the webhook trigger and the internal unsubscribe', () => {
        const ids = operations(committed).map((o) => o.op.operationId);
        expect(ids.sort()).toEqual(
            [
                'CancelEvent',
                'CancelBookingAppointment',
                'GetCancellation',
                'ListCancellations',
                'OnCancellation',
                'DeleteSubscription',
                'PreviewBulkCancellation',
                'StartBulkCancellation',
                'GetBulkCancellation',
            ].sort(),
        );
        const subscriptions = committed.paths['/subscriptions'] as Record<string, unknown>;
        const trigger = subscriptions.post as Record<string, unknown>;
        expect(trigger['x-ms-trigger']).toBe('single');
        expect(subscriptions['x-ms-notification-content']).toEqual({
            description: expect.any(String),
            schema: { $ref: '#/definitions/CancellationNotification' },
        });
        const body = committed.definitions!.SubscriptionCreateBody!;
        expect(body.properties!.notificationUrl).toMatchObject({
            'x-ms-notification-url': true,
            'x-ms-visibility': 'internal',
        });
        expect(body.required).toEqual(expect.arrayContaining(['notificationUrl', 'eventTypes']));
        expect(body.properties!.eventTypes!.items).toMatchObject({
            enum: expect.arrayContaining(['event.cancelled', 'cancellationJob.completed', 'cancellationJob.paused']),
        });
        const responses = (trigger as unknown as OpenAPIV2.OperationObject).responses;
        expect(responses['201']).toMatchObject({ headers: { Location: { type: 'string' } } });
        // Bulk cancellation: preview and start on their own paths (one operation per path and method), one body
        // without `dryRun`, so neither action can do the other's work.
        const paths = committed.paths as Record<string, Record<string, OpenAPIV2.OperationObject>>;
        expect(paths['/cancellationJobs/preview']!.post!.operationId).toBe('PreviewBulkCancellation');
        expect(paths['/cancellationJobs']!.post!.operationId).toBe('StartBulkCancellation');
        expect(paths['/cancellationJobs/{id}']!.get!.operationId).toBe('GetBulkCancellation');
        expect(Object.keys(committed.definitions!.BulkCancellation!.properties!)).not.toContain('dryRun');
        expect(Object.keys(paths['/cancellationJobs']!.post!.responses)).toContain('202');
        const del = (committed.paths['/subscriptions/{id}'] as Record<string, Record<string, unknown>>).delete!;
        expect(del['x-ms-visibility']).toBe('internal');
        expect(Object.keys(del.responses as object)).toContain('204');
        expect(committed).toMatchObject({
            host: 'cancel-gateway.azurewebsites.net',
            basePath: '/api',
            schemes: ['https'],
        });
        for (const { op } of operations(committed)) {
            expect(op.summary).toEqual(expect.any(String));
            expect(op.description).toEqual(expect.any(String));
        }
    });

    it('maps every operation onto a route and method the app registers', () => {
        for (const { path, method, op } of operations(committed)) {
            const match = routeTable.find(
                (r) => sameTemplate(path, r.route) && r.methods.map((m) => m.toLowerCase()).includes(method),
            );
            expect({ operation: op.operationId, match: match !== undefined }).toEqual({
                operation: op.operationId,
                match: true,
            });
        }
    });

    it('uses the zod schemas of the handlers (definitions = generated, give or take x-ms-* annotations)', () => {
        for (const [name, { schema, io }] of Object.entries(connectorDefinitions)) {
            expect({ name, schema: withoutExtensions(committed.definitions![name]) }).toEqual({
                name,
                schema: swagger2Schema(schema, io),
            });
        }
        expect(withoutExtensions(committed.definitions!.CancellationNotification)).toEqual(
            swagger2Schema(webhookPayloadSchema),
        );
    });

    it('apiProperties.json: OAuth 2.0 with the aad identity provider against the API app', () => {
        const props = JSON.parse(
            readFileSync(apiDefinitionPath.replace('apiDefinition.swagger.json', 'apiProperties.json'), 'utf8'),
        );
        expect(props).toMatchObject({
            properties: {
                connectionParameters: {
                    token: {
                        type: 'oauthSetting',
                        oAuthSettings: {
                            identityProvider: 'aad',
                            redirectUrl: 'https://global.consent.azure-apim.net/redirect',
                            customParameters: {
                                tenantId: { value: 'common' },
                                resourceUri: { value: 'api://cancel-gateway' },
                            },
                        },
                    },
                },
            },
        });
    });

    it('icon.png is a square PNG under 1 MB, as the connector import requires', () => {
        const icon = readFileSync(path.join(repoRoot, 'connector', 'icon.png'));
        expect(icon.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        const [width, height] = [icon.readUInt32BE(16), icon.readUInt32BE(20)];
        expect(width).toBe(height);
        expect(width).toBeGreaterThanOrEqual(100);
        expect(icon.length).toBeLessThan(1024 * 1024);
    });
});

describe('the OpenAPI 3 document', () => {
    it('validates and covers every route and method of routeTable', async () => {
        const doc = buildOpenApi3(httpRoutes, 'https://cancel-gateway.example/api');
        await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
        for (const entry of routeTable) {
            const item = doc.paths[`/${entry.route}`] as Record<string, unknown> | undefined;
            for (const method of entry.methods)
                expect([entry.route, method, item?.[method.toLowerCase()] !== undefined]).toEqual([
                    entry.route,
                    method,
                    true,
                ]);
        }
        expect(Object.keys(doc.components!.securitySchemes!)).toEqual(['bearer', 'entra']);
    });
});
