import type { HttpMethod, HttpRequest, HttpResponseInit } from '@azure/functions';
import type * as z from 'zod';
import type { Caller } from '../../domain/access/caller';
import type { PermissionName } from '../../domain/access/permissions';
import type { Services } from '../../composition/services';
import type { RequestScope } from '../handle';

/** Who may call a route. */
export type Access =
    /** Anyone: no token needed (the handler may still look at one it is sent). */
    | { readonly kind: 'public' }
    /**
     * Any one of `anyOf`, as a delegated scope for a user or as an application role for an app; with
     * `administrators: 'also'` the `Cancellations.Admin` app role grants it too.
     */
    | { readonly kind: 'permission'; readonly anyOf: readonly PermissionName[]; readonly administrators?: 'also' }
    /** The `Cancellations.Admin` app role only. */
    | { readonly kind: 'administrators' }
    /**
     * Administrators, or an app-only caller the tenant policy grants `bulk` mailboxes: the route refuses other users
     * before the body is read, its handler decides for apps, per mailbox and per job (src/domain/access/bulkAccess.ts).
     */
    | { readonly kind: 'bulkJobs' };

/** How a route's JSON body is read (every kind: empty allowed, `application/json`, at most 64 KiB, an object). */
export type BodyContract =
    /** Parsed with the schema; a failure is Graph's 400 envelope. */
    | { readonly kind: 'json'; readonly schema: z.ZodType }
    /**
     * A Graph action's parameters (`POST …/cancel`): each in any of its accepted spellings, refused with OData's
     * messages; the result is then parsed with the schema.
     */
    | {
          readonly kind: 'graphAction';
          readonly action: string;
          readonly schema: z.ZodType;
          readonly spellings: Readonly<Record<string, readonly string[]>>;
      }
    /**
     * Handed as read to the domain, whose rules enforce the schema field by field with their own error codes
     * (`invalidNotificationUrl`, …) and the checks a schema cannot make (where a URL may point).
     */
    | { readonly kind: 'domainRules'; readonly schema: z.ZodType };

export type BodyOf<B> = B extends { readonly kind: 'domainRules' }
    ? Readonly<Record<string, unknown>>
    : B extends { readonly schema: infer S extends z.ZodType }
      ? z.output<S>
      : undefined;

export type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : undefined;

export type ResponseOf<R> = R extends z.ZodType ? z.output<R> : undefined;

/** What a handler gets: the caller checked against the route's access, the path ids checked, body and query parsed. */
export interface RouteInput<Body = undefined, Query = undefined, C extends Caller | undefined = Caller> {
    readonly request: HttpRequest;
    readonly scope: RequestScope;
    readonly caller: C;
    /** The route's `{param}` values, each checked (ids as Graph checks ids; `version` is v1.0 or beta). */
    readonly params: Readonly<Record<string, string>>;
    readonly body: Body;
    readonly query: Query;
}

/** A response whose JSON body is the route's response schema. */
export interface RouteResult<View> extends Omit<HttpResponseInit, 'jsonBody' | 'body'> {
    readonly jsonBody?: View;
    /** A text answer instead (Graph's subscription validation handshake wants its token back as `text/plain`). */
    readonly body?: HttpResponseInit['body'];
}

export type RouteHandler<
    Body = undefined,
    Query = undefined,
    View = undefined,
    C extends Caller | undefined = Caller,
> = (input: RouteInput<Body, Query, C>) => Promise<RouteResult<View>>;

/** How the Power Automate connector (Swagger 2.0) shows a route; a route without one is not in the connector. */
export interface ConnectorOperation {
    readonly operationId: string;
    readonly summary: string;
    readonly description: string;
    readonly visibility?: 'important' | 'advanced' | 'internal';
    /** The path the connector shows when it differs from the template (a fixed version, friendlier names). */
    readonly path?: string;
    /** The connector's path parameters, by name, in path order. */
    readonly parameters?: Readonly<Record<string, { readonly summary: string; readonly description: string }>>;
    /** The query parameters of the route's query schema the connector shows: [summary, description, visibility]. */
    readonly query?: Readonly<Record<string, readonly [string, string, 'important' | 'advanced' | 'internal']>>;
    /**
     * The definition name of the body schema; `required` when the connector must always send one; `schema` when the
     * connector shows a narrower body than the route accepts (a subset the route's schema also parses).
     */
    readonly body?: { readonly definition: string; readonly required: boolean; readonly schema?: z.ZodType };
    readonly success: {
        readonly description: string;
        /** The definition name of the response schema. */
        readonly definition?: string;
        readonly location?: string;
    };
    /** A webhook trigger: subscribing is this operation, the notification is `content`. */
    readonly trigger?: {
        readonly hint: string;
        readonly content: { readonly description: string; readonly definition: string; readonly schema: z.ZodType };
    };
}

interface RouteSpecBase<
    B extends BodyContract | undefined,
    Q extends z.ZodObject | undefined,
    R extends z.ZodType | undefined,
    A extends z.ZodType | undefined = undefined,
> {
    /** The function name and the operationId: unique. */
    readonly name: string;
    /** The host route template below the route prefix; matching is case-insensitive. */
    readonly template: string;
    readonly method: HttpMethod;
    readonly summary: string;
    readonly description?: string;
    readonly tags: readonly string[];
    readonly request?: { readonly body?: B; readonly query?: Q };
    readonly response: {
        readonly status: number;
        readonly description: string;
        /** The JSON body of the success (and, for health, of 503 too); none: an empty body. */
        readonly schema?: R;
        readonly location?: string;
        /** A second success the request can ask for (a preview's 200 beside a job's 202), with its own body. */
        readonly alternative?: {
            readonly status: number;
            readonly description: string;
            readonly schema: A;
        };
    };
    readonly connector?: ConnectorOperation;
}

/** One route of the gateway: everything the registrations, the 405 table, OpenAPI and the connector know of it. */
export type RouteSpec<
    B extends BodyContract | undefined = BodyContract | undefined,
    Q extends z.ZodObject | undefined = z.ZodObject | undefined,
    R extends z.ZodType | undefined = z.ZodType | undefined,
    A extends z.ZodType | undefined = undefined,
> =
    | (RouteSpecBase<B, Q, R, A> & {
          readonly access: { readonly kind: 'public' };
          readonly handler: (
              services: Services,
          ) => RouteHandler<BodyOf<B>, QueryOf<Q>, ResponseOf<R> | ResponseOf<A>, undefined>;
      })
    | (RouteSpecBase<B, Q, R, A> & {
          readonly access: Exclude<Access, { readonly kind: 'public' }>;
          readonly handler: (services: Services) => RouteHandler<BodyOf<B>, QueryOf<Q>, ResponseOf<R> | ResponseOf<A>>;
      });

/** A route with its types erased, as the manifest lists it. */
export interface HttpRoute extends RouteSpecBase<
    BodyContract | undefined,
    z.ZodObject | undefined,
    z.ZodType | undefined,
    z.ZodType | undefined
> {
    readonly access: Access;
    readonly handler: (services: Services) => RouteHandler<unknown, unknown, unknown, Caller | undefined>;
}

/** Checks a route's handler against its schemas (body, query and view types agree), then lists it. */
export function defineRoute<
    B extends BodyContract | undefined = undefined,
    Q extends z.ZodObject | undefined = undefined,
    R extends z.ZodType | undefined = undefined,
    A extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<B, Q, R, A>): HttpRoute {
    return spec as unknown as HttpRoute;
}
