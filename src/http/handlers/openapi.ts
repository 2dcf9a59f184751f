import type { OpenAPIV3 } from 'openapi-types';
import type { RouteHandler } from '../routes/contract';

/** `GET /api/openapi.json` (anonymous): the OpenAPI 3.0 document, with the server URL of the request. */
export function openApiHandler(
    document: (serverUrl: string) => OpenAPIV3.Document,
): RouteHandler<undefined, undefined, OpenAPIV3.Document, undefined> {
    return ({ request }) => {
        const url = new URL(request.url);
        const prefix = url.pathname.replace(/\/openapi\.json\/?$/i, '');
        return Promise.resolve({
            status: 200,
            headers: { 'Cache-Control': 'public, max-age=300' },
            jsonBody: document(`${url.origin}${prefix}`),
        });
    };
}
