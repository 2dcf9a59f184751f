import { readFileSync } from 'node:fs';
import { renderRouteList, routeListPath } from '../../dev/routes/generateRouteList';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeRegistrations } from '../../src/http/routes/routeList';

/** functions/httpRoutes.ts registers from the light list at load; the manifest is loaded on the first call. */
describe('the route list registered at load', () => {
    it("is the manifest's names, templates and methods, in its order", () => {
        expect(routeRegistrations).toEqual(
            httpRoutes.map((route) => ({ name: route.name, template: route.template, method: route.method })),
        );
    });

    it('is what the generator writes now (regenerate with node dist/dev/routes/generateRouteList.js)', () => {
        expect(readFileSync(routeListPath, 'utf8')).toBe(renderRouteList());
    });
});
