import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a scope's lines go: the invocation's `context.log/warn/error`, so the host and App Insights get them. */
export interface LogSink {
    log(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
}

/** Correlation fields every line of a scope carries; filled in as they become known. */
export interface LogFields {
    requestId?: string;
    cancellationId?: string;
    graphRequestId?: string;
    function?: string;
    invocationId?: string;
    messageId?: string;
    [name: string]: unknown;
}

export interface LogScope {
    readonly sink: LogSink;
    readonly fields: LogFields;
}

const storage = new AsyncLocalStorage<LogScope>();

/** The scope of the invocation running now, if any. */
export function currentLogScope(): LogScope | undefined {
    return storage.getStore();
}

/** The invocation's parts a log scope needs (an `InvocationContext` has them). */
export interface ScopeContext extends LogSink {
    readonly functionName?: string;
    readonly invocationId?: string;
}

/**
 * Runs `work` in a log scope: every line logged inside it (awaits included) goes through `context` and
 * carries the function name, the invocation id and `fields`.
 */
export function withLogScope<T>(context: ScopeContext, fields: LogFields, work: () => T): T {
    const sink: LogSink = {
        log: (...args) => context.log(...args),
        warn: (...args) => context.warn(...args),
        error: (...args) => context.error(...args),
    };
    const scope: LogScope = {
        sink,
        fields: { function: context.functionName, invocationId: context.invocationId, ...fields },
    };
    return storage.run(scope, work);
}

/** Adds correlation fields (the cancellation id, Graph's request-id) to the current scope's later lines. */
export function annotateLogScope(fields: LogFields): void {
    const scope = storage.getStore();
    if (!scope) return;
    for (const [name, value] of Object.entries(fields)) {
        if (value !== undefined) scope.fields[name] = value;
    }
}
