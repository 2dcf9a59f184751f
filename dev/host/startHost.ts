import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { ensureDevTls } from '../tls/devCa';
import { CoreApiState, installCoreApi, type RegisteredFunction } from './coreApi';
import { RouteTable } from './http/routeTable';
import { startHttpServers } from './http/server';
import { Invoker } from './invoke';
import { loadApp } from './loadApp';
import { createLogger, type HostLogger, logAtLevel } from './log';
import { QueueListener } from './queues/queueListener';
import type { RpcBindingInfo } from './rpc';
import {
    applyValuesToEnv,
    getSetting,
    HostConfigError,
    isFunctionDisabled,
    loadSettings,
    resolveSettingReferences,
} from './settings';
import { resolveStorageConnection } from './storage';
import { TableScheduleMonitor } from './timers/monitor';
import { defaultUseMonitor, parseSchedule } from './timers/schedule';
import { TimerListener } from './timers/timerListener';

export interface StartHostOptions {
    /** Folder with host.json, local.settings(.sample).json and package.json. Default: current directory. */
    scriptRoot?: string;
    /** HTTP port (0 = any free port). Default: FUNCTIONS_HTTP_PORT, local.settings Host.LocalHttpPort, 7071. */
    httpPort?: number;
    /** HTTPS twin port (0 = any free port, false = off). Default: FUNCTIONS_HTTPS_PORT or 7443. */
    httpsPort?: number | false;
    /** Loopback address for the listeners. Default 127.0.0.1. */
    listenHost?: string;
    /** How long close() waits for running invocations before abandoning them. Default 10 s. */
    shutdownTimeoutMs?: number;
    logger?: HostLogger;
    verbose?: boolean;
}

export interface FunctionInfo {
    name: string;
    trigger: string;
    /** HTTP: the URL template and methods; queue: the queue; timer: the schedule. */
    detail: string;
    url?: string;
    methods?: string[];
    queueName?: string;
    schedule?: string;
    error?: string;
}

export interface RunningHost {
    url: string;
    tlsUrl: string | undefined;
    functions: FunctionInfo[];
    close(): Promise<void>;
}

function triggerOf(fn: RegisteredFunction): [string, RpcBindingInfo] | undefined {
    return Object.entries(fn.metadata.bindings).find(([, b]) => typeof b.type === 'string' && /trigger$/i.test(b.type));
}

function stringProp(binding: RpcBindingInfo, key: string): string | undefined {
    const value = binding[key];
    return typeof value === 'string' ? value : undefined;
}

function portFrom(value: string | undefined, name: string): number | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new HostConfigError(`${name}=${value} is not a port`);
    return port;
}

/** Host id for the schedule monitor: `AzureFunctionsWebHost__hostid`, else derived from the script root. */
function hostId(scriptRoot: string): string {
    const configured = getSetting('AzureFunctionsWebHost__hostid');
    if (configured) return configured.toLowerCase();
    return `local-${crypto.createHash('sha256').update(path.resolve(scriptRoot)).digest('hex').slice(0, 26)}`;
}

/**
 * Starts the local host: reads settings, loads the app through the `@azure/functions-core` shim, then
 * serves HTTP triggers (and the HTTPS twin), polls storage queues and runs timers.
 * One host per process (the module cache and the library keep what they loaded first).
 */
export async function startHost(options: StartHostOptions = {}): Promise<RunningHost> {
    const scriptRoot = path.resolve(options.scriptRoot ?? process.cwd());
    const logger = options.logger ?? createLogger({ verbose: options.verbose });
    const settings = loadSettings(scriptRoot);
    applyValuesToEnv(settings.values);
    logger.info(
        `Script root ${scriptRoot}; settings from ${settings.localSettingsFile ? path.basename(settings.localSettingsFile) : '(none)'}` +
            ` (${Object.keys(settings.values).length} values; environment variables take precedence)`,
    );

    const state = new CoreApiState();
    state.systemLog = (level, _category, message) => logAtLevel(logger, level, message, 'warning');
    installCoreApi(state);
    const files = loadApp(scriptRoot);
    logger.debug(`Loaded ${files.length} entry file(s)`);
    if (state.functions.size > 0 && !state.programmingModel) {
        throw new HostConfigError('Functions were registered but no programming model was set');
    }
    // As the worker does at init: lets the library lock its setup() options.
    await state.programmingModel?.getCapabilities?.({});
    state.hasFinishedStartup = true;
    await state.runHooks('appStart', {
        hookData: {},
        appHookData: state.appHookData,
        functionAppDirectory: scriptRoot,
    });

    const invoker = new Invoker(state, logger);
    const table = new RouteTable<RegisteredFunction>(settings.routePrefix);
    const queueListeners: QueueListener[] = [];
    const timerListeners: TimerListener[] = [];
    const infos: FunctionInfo[] = [];
    const httpInfos: { info: FunctionInfo; route: string }[] = [];
    let monitor: TableScheduleMonitor | undefined;

    for (const fn of state.functions.values()) {
        const name = fn.metadata.name;
        const trigger = triggerOf(fn);
        const type = trigger?.[1].type ?? '(no trigger)';
        const info: FunctionInfo = { name, trigger: type, detail: '' };
        infos.push(info);
        if (!trigger) {
            info.error = 'no trigger binding';
            continue;
        }
        if (isFunctionDisabled(name)) {
            info.detail = `disabled (AzureWebJobs.${name}.Disabled)`;
            continue;
        }
        const [triggerName, binding] = trigger;
        for (const [bindingName, other] of Object.entries(fn.metadata.bindings)) {
            if (other === binding || (other.direction === 'out' && other.type?.toLowerCase() === 'http')) continue;
            logger.warn(
                `Function '${name}': ${other.direction ?? ''} binding '${bindingName}' (${other.type ?? '?'}) is not supported by the local host and is ignored`,
            );
        }
        try {
            switch (type.toLowerCase()) {
                case 'httptrigger': {
                    const route = resolveSettingReferences(stringProp(binding, 'route') ?? name).replace(/^\/+/, '');
                    const methods = Array.isArray(binding.methods)
                        ? (binding.methods as unknown[]).map((m) => String(m).toUpperCase())
                        : undefined;
                    table.add(route, methods, fn);
                    info.methods = methods;
                    httpInfos.push({ info, route });
                    break;
                }
                case 'queuetrigger': {
                    const queueName = resolveSettingReferences(stringProp(binding, 'queueName') ?? '').toLowerCase();
                    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(queueName)) {
                        throw new HostConfigError(`Invalid queue name '${queueName}'`);
                    }
                    const connection = resolveSettingReferences(stringProp(binding, 'connection') ?? '');
                    queueListeners.push(
                        new QueueListener({
                            fn,
                            triggerName,
                            queueName,
                            connectionString: resolveStorageConnection(connection),
                            options: settings.queues,
                            invoker,
                            logger,
                        }),
                    );
                    info.queueName = queueName;
                    info.detail = `queue '${queueName}'`;
                    break;
                }
                case 'timertrigger': {
                    const text = resolveSettingReferences(stringProp(binding, 'schedule') ?? '');
                    const schedule = parseSchedule(text);
                    const useMonitor =
                        typeof binding.useMonitor === 'boolean' ? binding.useMonitor : defaultUseMonitor(schedule);
                    if (useMonitor)
                        monitor ??= new TableScheduleMonitor(resolveStorageConnection(undefined), hostId(scriptRoot));
                    const listener = new TimerListener({
                        fn,
                        triggerName,
                        schedule,
                        runOnStartup: binding.runOnStartup === true,
                        monitor: useMonitor ? monitor : undefined,
                        invoker,
                        logger,
                    });
                    timerListeners.push(listener);
                    info.schedule = text;
                    info.detail = `schedule '${text}' (UTC), next ${listener
                        .nextOccurrences(1)
                        .map((d) => d.toISOString())
                        .join(', ')}`;
                    break;
                }
                default:
                    info.error = `trigger type '${type}' is not supported by the local host`;
            }
        } catch (error) {
            info.error = error instanceof Error ? error.message : String(error);
        }
    }

    const envHttp = portFrom(process.env.FUNCTIONS_HTTP_PORT, 'FUNCTIONS_HTTP_PORT');
    const envHttps = portFrom(process.env.FUNCTIONS_HTTPS_PORT, 'FUNCTIONS_HTTPS_PORT');
    const httpPort = options.httpPort ?? envHttp ?? settings.localHttpPort ?? 7071;
    const httpsPort = options.httpsPort === false ? undefined : (options.httpsPort ?? envHttps ?? 7443);
    const bodyLimitText = getSetting('FUNCTIONS_REQUEST_BODY_SIZE_LIMIT');
    const bodyLimit = bodyLimitText ? Number(bodyLimitText) : 104_857_600;
    if (!Number.isInteger(bodyLimit) || bodyLimit < 0) {
        throw new HostConfigError(`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT=${bodyLimitText} is not a byte count`);
    }
    let tls: { certPem: string; keyPem: string } | undefined;
    if (httpsPort !== undefined) {
        const material = ensureDevTls();
        tls = { certPem: material.certPem, keyPem: material.keyPem };
    }

    const http = await startHttpServers({
        host: options.listenHost ?? '127.0.0.1',
        httpPort,
        httpsPort,
        tls,
        table,
        invoker,
        logger,
        bodyLimit,
    });
    const prefix = settings.routePrefix === '' ? '' : `/${settings.routePrefix}`;
    for (const { info, route } of httpInfos) {
        info.url = `${http.url}${prefix}/${route}`;
        info.detail = `[${(info.methods ?? ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']).join(',')}] ${info.url}`;
    }

    logger.info('Functions:');
    for (const info of infos) {
        if (info.error) logger.error(`    ${info.name}: ${info.trigger} ERROR: ${info.error}`);
        else
            logger.info(
                `    ${info.name}: ${info.trigger === 'httpTrigger' ? info.detail : `${info.trigger} ${info.detail}`}`,
            );
    }

    try {
        await Promise.all(queueListeners.map((l) => l.start()));
        await Promise.all(timerListeners.map((l) => l.start()));
    } catch (error) {
        await http.close();
        throw error;
    }
    logger.info(`Host started. HTTP ${http.url}${http.tlsUrl ? `, HTTPS ${http.tlsUrl}` : ''}`);

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => {
        closing ??= (async () => {
            logger.info('Stopping host...');
            const drainMs = options.shutdownTimeoutMs ?? 10_000;
            await Promise.all([...timerListeners.map((l) => l.stop()), ...queueListeners.map((l) => l.stop(drainMs))]);
            const left = await invoker.drain(drainMs);
            if (left > 0) logger.warn(`Abandoned ${left} running invocation(s)`);
            await http.close();
            await state.runHooks('appTerminate', {
                hookData: state.appLevelOnlyHookData,
                appHookData: state.appHookData,
            });
            logger.info('Host stopped.');
        })();
        return closing;
    };

    return { url: http.url, tlsUrl: http.tlsUrl, functions: infos, close };
}
