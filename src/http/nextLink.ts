import type { HttpRequest } from '@azure/functions';

/** OData's `@odata.nextLink`: the request's own URL with the next page's `$skiptoken`, when there is a next page. */
export function nextLink(request: HttpRequest, continuationToken: string | undefined): { '@odata.nextLink'?: string } {
    if (!continuationToken) return {};
    const next = new URL(request.url);
    next.searchParams.set('$skiptoken', continuationToken);
    return { '@odata.nextLink': next.toString() };
}
