import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routePrefix } from '../../src/http/routes/routePrefix';

describe('the HTTP route manifest', () => {
    it("uses host.json's route prefix", () => {
        const host = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'host.json'), 'utf8')) as {
            extensions: { http: { routePrefix: string } };
        };
        expect(routePrefix).toBe(host.extensions.http.routePrefix);
    });

    it('names each route once (function names and operationIds are unique) and serves a template+method once', () => {
        const names = httpRoutes.map((r) => r.name.toLowerCase());
        expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
        const keys = httpRoutes.map((r) => `${r.method} ${r.template.toLowerCase()}`);
        expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
        const connectorIds = httpRoutes.flatMap((r) => (r.connector ? [r.connector.operationId] : []));
        expect(new Set(connectorIds).size).toBe(connectorIds.length);
    });
});
