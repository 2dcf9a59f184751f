import * as crypto from 'node:crypto';
import type { CoreApiState, RegisteredFunction } from './coreApi';
import { type HostLogger, logAtLevel } from './log';
import type {
    CoreInvocationContext,
    InvocationState,
    RpcBindingInfo,
    RpcInvocationResponse,
    RpcLogCategory,
    RpcLogLevel,
    RpcParameterBinding,
    RpcTypedData,
} from './rpc';

export interface InvocationInput {
    inputData: RpcParameterBinding[];
    triggerMetadata?: Record<string, RpcTypedData>;
}

export interface InvocationResult {
    invocationId: string;
    response: RpcInvocationResponse;
    durationMs: number;
}

/** Thrown when the function (or a hook) failed; the host treats the invocation as failed. */
export class FunctionInvocationError extends Error {
    override name = 'FunctionInvocationError';
    constructor(
        message: string,
        readonly invocationId: string,
        override readonly cause: unknown,
    ) {
        super(message);
    }
}

/**
 * The metadata the host sends back with an invocation carries, per binding, only what the RPC
 * `BindingInfo` message holds (type, direction, dataType, properties), as with the real worker.
 */
function invocationMetadata(fn: RegisteredFunction): CoreInvocationContext['metadata'] {
    const bindings: Record<string, RpcBindingInfo> = {};
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
        bindings[name] = {
            type: binding.type ?? null,
            direction: binding.direction ?? null,
            dataType: binding.dataType ?? null,
            properties: binding.properties ?? {},
        };
    }
    return { name: fn.metadata.name, functionId: fn.functionId, bindings };
}

function errorText(error: unknown): string {
    return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Runs one invocation exactly as the Node.js worker's InvocationHandler does: the programming model
 * builds the arguments, then preInvocation hooks, the function, postInvocation hooks, and the response.
 */
export class Invoker {
    #running = new Set<Promise<unknown>>();

    constructor(
        private readonly state: CoreApiState,
        private readonly logger: HostLogger,
    ) {}

    get inFlight(): number {
        return this.#running.size;
    }

    /** Resolves when every running invocation has settled, or after `timeoutMs`. Returns how many were left. */
    async drain(timeoutMs: number): Promise<number> {
        const deadline = Date.now() + timeoutMs;
        while (this.#running.size > 0 && Date.now() < deadline) {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([
                Promise.allSettled([...this.#running]),
                new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
            ]);
            clearTimeout(timer);
        }
        return this.#running.size;
    }

    /**
     * `accessLogged`: the caller writes its own line for this invocation (the HTTP server's one access line per
     * request), so a success is logged only at debug level; a failure is always logged with its error.
     */
    invoke(
        fn: RegisteredFunction,
        input: InvocationInput,
        reason: string,
        options: { readonly accessLogged?: boolean } = {},
    ): Promise<InvocationResult> {
        const promise = this.#invoke(fn, input, reason, options.accessLogged === true);
        this.#running.add(promise);
        const remove = (): void => void this.#running.delete(promise);
        promise.then(remove, remove);
        return promise;
    }

    async #invoke(
        fn: RegisteredFunction,
        input: InvocationInput,
        reason: string,
        accessLogged: boolean,
    ): Promise<InvocationResult> {
        const model = this.state.programmingModel;
        if (!model) throw new Error('The app did not set a programming model (is @azure/functions v4 loaded?)');
        const invocationId = crypto.randomUUID();
        const name = fn.metadata.name;
        const started = Date.now();
        const logger = this.logger;
        const announce = (message: string): void => (accessLogged ? logger.debug(message) : logger.info(message));
        announce(`Executing 'Functions.${name}' (Reason='${reason}', Id=${invocationId})`);

        const coreCtx: CoreInvocationContext = {
            invocationId,
            request: {
                invocationId,
                functionId: fn.functionId,
                inputData: input.inputData,
                triggerMetadata: input.triggerMetadata ?? {},
                traceContext: {
                    traceParent: `00-${crypto.randomBytes(16).toString('hex')}-${crypto.randomBytes(8).toString('hex')}-00`,
                    traceState: '',
                    attributes: { OperationName: name },
                },
                retryContext: null,
            },
            metadata: invocationMetadata(fn),
            state: undefined as InvocationState | undefined,
            log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
                const line = `${name} (Id=${invocationId}): ${message}`;
                logAtLevel(logger, level, line, category === 'user' ? 'trace' : 'warning');
            },
        };

        try {
            const invocationModel = model.getInvocationModel(coreCtx);
            const hookData: Record<string, unknown> = {};
            const { context, inputs: initialInputs } = await invocationModel.getArguments();
            const appHookData = this.state.appHookData;
            const preContext = {
                hookData,
                appHookData,
                invocationContext: context,
                functionCallback: fn.callback,
                inputs: initialInputs,
            };
            coreCtx.state = 'preInvocationHooks';
            try {
                await this.state.runHooks('preInvocation', preContext);
            } finally {
                coreCtx.state = undefined;
            }
            const postContext: Record<string, unknown> & { result: unknown; error: unknown } = {
                hookData,
                appHookData,
                invocationContext: context,
                inputs: preContext.inputs,
                result: null,
                error: null,
            };
            coreCtx.state = 'invocation';
            try {
                postContext.result = await invocationModel.invokeFunction(
                    context,
                    preContext.inputs,
                    preContext.functionCallback,
                );
            } catch (error) {
                postContext.error = error;
            } finally {
                coreCtx.state = undefined;
            }
            coreCtx.state = 'postInvocationHooks';
            try {
                await this.state.runHooks('postInvocation', postContext);
            } finally {
                coreCtx.state = undefined;
            }
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows whatever the function threw, as the worker does
            if (postContext.error !== null && postContext.error !== undefined) throw postContext.error;
            const response = await invocationModel.getResponse(context, postContext.result);
            const durationMs = Date.now() - started;
            announce(`Executed 'Functions.${name}' (Succeeded, Id=${invocationId}, Duration=${durationMs}ms)`);
            return { invocationId, response, durationMs };
        } catch (error) {
            const durationMs = Date.now() - started;
            this.logger.error(
                `Executed 'Functions.${name}' (Failed, Id=${invocationId}, Duration=${durationMs}ms)\n${errorText(error)}`,
            );
            throw new FunctionInvocationError(`Function '${name}' failed`, invocationId, error);
        }
    }
}
