/**
 * The subset of the `@azure/functions-core` RPC shapes that the local host exchanges with the
 * `@azure/functions` library (declared by the worker in `types-core/index.d.ts`).
 */

export interface RpcHttpCookie {
    name?: string | null;
    value?: string | null;
    domain?: { value?: string | null } | null;
    path?: { value?: string | null } | null;
    expires?: { value?: { seconds?: number | null; nanos?: number | null } | null } | null;
    secure?: { value?: boolean | null } | null;
    httpOnly?: { value?: boolean | null } | null;
    sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
    maxAge?: { value?: number | null } | null;
}

export interface RpcHttpData {
    method?: string | null;
    url?: string | null;
    headers?: Record<string, string> | null;
    body?: RpcTypedData | null;
    params?: Record<string, string> | null;
    statusCode?: string | null;
    query?: Record<string, string> | null;
    enableContentNegotiation?: boolean | null;
    rawBody?: RpcTypedData | null;
    cookies?: RpcHttpCookie[] | null;
}

export interface RpcTypedData {
    string?: string | null;
    json?: string | null;
    bytes?: Uint8Array | null;
    stream?: Uint8Array | null;
    http?: RpcHttpData | null;
    int?: number | null;
    double?: number | null;
}

export interface RpcParameterBinding {
    name?: string | null;
    data?: RpcTypedData | null;
}

export interface RpcBindingInfo {
    type?: string | null;
    direction?: 'in' | 'out' | 'inout' | null;
    dataType?: 'undefined' | 'string' | 'binary' | 'stream' | null;
    properties?: Record<string, string> | null;
    [key: string]: unknown;
}

export interface FunctionMetadata {
    name: string;
    functionId?: string;
    bindings: Record<string, RpcBindingInfo>;
    retryOptions?: unknown;
}

export interface RpcInvocationRequest {
    invocationId?: string | null;
    functionId?: string | null;
    inputData?: RpcParameterBinding[] | null;
    triggerMetadata?: Record<string, RpcTypedData> | null;
    traceContext?: {
        traceParent?: string | null;
        traceState?: string | null;
        attributes?: Record<string, string>;
    } | null;
    retryContext?: null;
}

export interface RpcInvocationResponse {
    invocationId?: string | null;
    outputData?: RpcParameterBinding[] | null;
    returnValue?: RpcTypedData | null;
}

export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';
export type InvocationState = 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';

export interface CoreInvocationContext {
    invocationId: string;
    request: RpcInvocationRequest;
    metadata: { name?: string | null; bindings?: Record<string, RpcBindingInfo> | null; [key: string]: unknown };
    state?: InvocationState;
    log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export interface InvocationArguments {
    context: unknown;
    inputs: unknown[];
}

export interface InvocationModel {
    getArguments(): Promise<InvocationArguments>;
    invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
    name: string;
    version: string;
    getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
    getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: Record<string, unknown>) => void | Promise<void>;
