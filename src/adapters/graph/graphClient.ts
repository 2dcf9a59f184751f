import type { TokenCredential } from '@azure/identity';
import {
    AuthenticationHandler,
    Client,
    GraphError,
    ResponseType,
    TelemetryHandler,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import { graphScope } from './credential';
import { carriedAppError, carry, DeadlineRetryHandler, type DeadlineRetryOptions } from './deadlineRetryHandler';
import { NodeHttpMessageHandler } from './nodeHttpMessageHandler';

export interface GraphClientOptions extends DeadlineRetryOptions {
    /** Graph's origin (`https://graph.microsoft.com`, a national cloud's, or the emulator's); versions are appended. */
    readonly baseUrl: string;
    readonly credential: TokenCredential;
}

export interface GraphCall {
    readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    readonly version: 'v1.0' | 'beta';
    /** Path below the version, ids already URL-encoded (see graphAddress.ts), e.g. `/users/a%40b/events/AAM…`. */
    readonly path: string;
    readonly query?: Readonly<Record<string, string>>;
    readonly body?: unknown;
    /** Sent as `client-request-id` so Graph's logs and ours correlate (the SDK makes one up when absent). */
    readonly clientRequestId?: string | undefined;
    /** More request headers, e.g. `Prefer` (graphAddress.ts). */
    readonly headers?: Readonly<Record<string, string>> | undefined;
    readonly signal?: AbortSignal | undefined;
}

export interface GraphResult {
    readonly status: number;
    readonly body: unknown;
    readonly requestId: string | undefined;
    /** Graph's `Preference-Applied` header: which `Prefer` preferences it honoured. */
    readonly preferenceApplied?: string | undefined;
}

/** A credential whose failure reaches the caller as 503 (no token: Graph was not called), not as Graph's error. */
function tokenFailuresAs503(credential: TokenCredential): TokenCredential {
    return {
        async getToken(scopes, options) {
            const token = await credential.getToken(scopes, options).catch((error: unknown) => {
                throw carry(
                    new ServiceUnavailableError(
                        `Could not get a token for Microsoft Graph: ${(error as Error).message}`,
                    ),
                );
            });
            if (!token) throw carry(new ServiceUnavailableError('Could not get a token for Microsoft Graph.'));
            return token;
        },
    };
}

function hostOf(baseUrl: string): string {
    return new URL(baseUrl).hostname;
}

/** Graph's error envelope `{error:{code,message}}`, or what a non-Graph answer (a proxy's page) gives. */
function upstreamError(status: number, body: unknown, requestId: string | undefined): UpstreamError {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' && error.code !== '' ? error.code : 'UnknownError';
    const message = typeof error?.message === 'string' ? error.message : 'Microsoft Graph returned an error.';
    return new UpstreamError(status, code, message, status >= 500 ? 'unknown' : 'rejected', requestId);
}

/** What the SDK threw, as the gateway's error: its own carried out of the chain, or the SDK's `GraphError`. */
function appErrorOf(error: unknown): unknown {
    const carried = carriedAppError(error);
    if (carried) return carried;
    if (error instanceof GraphError) {
        // -1: the SDK failed before or without an HTTP answer; what happened at Graph is not known.
        const status = error.statusCode > 0 ? error.statusCode : 502;
        const requestId = error.requestId ?? error.headers?.get('request-id') ?? undefined;
        return new UpstreamError(status, error.code ?? 'UnknownError', error.message, 'unknown', requestId);
    }
    return error;
}

/**
 * Graph through the official SDK: `Client.initWithMiddleware` with the gateway's app-only credential
 * (`TokenCredentialAuthenticationProvider`), {@link DeadlineRetryHandler} for throttling and timeouts, the SDK's
 * telemetry (`client-request-id`, `SdkVersion`), and {@link NodeHttpMessageHandler} in place of the SDK's `fetch`.
 * Answers come back raw so Graph's `request-id` and status are kept; Graph's error envelope becomes an
 * {@link UpstreamError}.
 */
export class GraphClient {
    private readonly client: Client;

    constructor(options: GraphClientOptions) {
        const auth = new TokenCredentialAuthenticationProvider(tokenFailuresAs503(options.credential), {
            scopes: [graphScope],
        });
        const retry = new DeadlineRetryHandler(options);
        this.client = Client.initWithMiddleware({
            baseUrl: options.baseUrl,
            // The SDK sends the token and telemetry headers only to Graph's public hosts and these.
            customHosts: new Set([hostOf(options.baseUrl)]),
            middleware: [new AuthenticationHandler(auth), retry, new TelemetryHandler(), new NodeHttpMessageHandler()],
        });
    }

    async send(call: GraphCall): Promise<GraphResult> {
        const request = this.client.api(call.path).version(call.version).responseType(ResponseType.RAW);
        if (call.query) request.query(call.query);
        if (call.clientRequestId) request.header('client-request-id', call.clientRequestId);
        if (call.headers) request.headers({ ...call.headers });
        if (call.signal) request.option('signal', call.signal);
        let response: Response;
        try {
            response = (await (call.method === 'GET'
                ? request.get()
                : call.method === 'POST'
                  ? request.post(call.body)
                  : call.method === 'PATCH'
                    ? request.patch(call.body)
                    : request.delete())) as Response;
        } catch (error) {
            throw appErrorOf(error);
        }
        const requestId = response.headers.get('request-id') ?? undefined;
        const text = await response.text();
        const body: unknown = text ? parseJson(text) : undefined;
        if (!response.ok) throw upstreamError(response.status, body, requestId);
        const preferenceApplied = response.headers.get('preference-applied') ?? undefined;
        return { status: response.status, body, requestId, ...(preferenceApplied ? { preferenceApplied } : {}) };
    }
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
