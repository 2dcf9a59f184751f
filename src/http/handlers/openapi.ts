import { type EdgeHandler, handle } from '../handle';
import { buildOpenApi3 } from '../openapi';

/** `GET /api/openapi.json` (anonymous): the OpenAPI 3.0 document, with the server URL of the request. */
export function openApiHandler(): EdgeHandler {
    return handle((request) => {
        const url = new URL(request.url);
        const prefix = url.pathname.replace(/\/openapi\.json\/?$/i, '');
        return Promise.resolve({
            status: 200,
            headers: { 'Cache-Control': 'public, max-age=300' },
            jsonBody: buildOpenApi3(`${url.origin}${prefix}`),
        });
    });
}
