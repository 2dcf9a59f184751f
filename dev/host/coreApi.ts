import * as crypto from 'node:crypto';
import Module from 'node:module';
import type {
    FunctionCallback,
    FunctionMetadata,
    HookCallback,
    ProgrammingModel,
    RpcLogCategory,
    RpcLogLevel,
} from './rpc';

/** A function as the library registered it: exactly the metadata the worker would send to the host. */
export interface RegisteredFunction {
    functionId: string;
    metadata: FunctionMetadata;
    callback: FunctionCallback;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';

class Disposable {
    #callOnDispose: (() => unknown) | undefined;
    constructor(callOnDispose: () => unknown) {
        this.#callOnDispose = callOnDispose;
    }
    static from(...likes: { dispose: () => unknown }[]): Disposable {
        return new Disposable(() => likes.forEach((l) => l.dispose()));
    }
    dispose(): unknown {
        const call = this.#callOnDispose;
        this.#callOnDispose = undefined;
        return call?.();
    }
}

/**
 * State behind the `@azure/functions-core` shim: what the Node.js worker keeps (registered functions,
 * hooks, the programming model) and exposes to the `@azure/functions` library.
 */
export class CoreApiState {
    readonly functions = new Map<string, RegisteredFunction>();
    readonly hooks: Record<HookName, HookCallback[]> = {
        appStart: [],
        appTerminate: [],
        preInvocation: [],
        postInvocation: [],
        log: [],
    };
    readonly appHookData: Record<string, unknown> = {};
    /** `hookData` of appStart/appTerminate hooks (shared by those two only, as in the worker). */
    readonly appLevelOnlyHookData: Record<string, unknown> = {};
    programmingModel: ProgrammingModel | undefined;
    hasFinishedStartup = false;
    systemLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void = () => undefined;

    /** The object that `require('@azure/functions-core')` returns. */
    createModule(): Record<string, unknown> {
        const version = '3.12.0-local';
        return {
            version,
            hostVersion: '4.1000.0-local',
            Disposable,
            setProgrammingModel: (model: ProgrammingModel) => {
                this.programmingModel = model;
            },
            getProgrammingModel: () => this.programmingModel,
            registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) => {
                if (this.hasFinishedStartup) throw new Error('A function can only be registered during app startup.');
                const functionId = metadata.functionId ?? crypto.randomUUID();
                for (const existing of this.functions.values()) {
                    if (existing.metadata.name.toLowerCase() === metadata.name.toLowerCase()) {
                        throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
                    }
                }
                this.functions.set(functionId, { functionId, metadata, callback });
                return new Disposable(() => {
                    if (this.hasFinishedStartup) throw new Error('A function can only be disposed during app startup.');
                    this.functions.delete(functionId);
                });
            },
            registerHook: (hookName: string, callback: HookCallback) => {
                if (!(hookName in this.hooks)) {
                    throw new RangeError(`Unrecognized hook "${hookName}"`);
                }
                const list = this.hooks[hookName as HookName];
                list.push(callback);
                return new Disposable(() => {
                    const index = list.indexOf(callback);
                    if (index >= 0) list.splice(index, 1);
                });
            },
            log: (level: RpcLogLevel, category: RpcLogCategory, message: string) =>
                this.systemLog(level, category, message),
        };
    }

    async runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
        for (const hook of [...this.hooks[name]]) {
            await hook(context);
        }
    }
}

const coreModuleName = '@azure/functions-core';
let installed = false;

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * Makes `require('@azure/functions-core')` resolve to the shim, as the worker does for the app it
 * loads. One host per process: the library and Node's module cache keep what they loaded first.
 */
export function installCoreApi(state: CoreApiState): void {
    if (installed) throw new Error('The local host can load a function app only once per process.');
    installed = true;
    const moduleObject = state.createModule();
    const moduleWithLoad = Module as unknown as { _load: ModuleLoad };
    const originalLoad = moduleWithLoad._load;
    moduleWithLoad._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
        if (request === coreModuleName) return moduleObject;
        return originalLoad.call(this, request, parent, isMain);
    };
}
