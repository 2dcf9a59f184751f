import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { HostConfigError } from './hostConfigError';
import { parseTimeSpan } from './timeSpan';

export { HostConfigError };

export interface QueueOptions {
    batchSize: number;
    newBatchThreshold: number;
    maxPollingIntervalMs: number;
    visibilityTimeoutMs: number;
    maxDequeueCount: number;
    messageEncoding: 'base64' | 'none';
}

export interface HostSettings {
    scriptRoot: string;
    routePrefix: string;
    queues: QueueOptions;
    functionTimeoutMs: number | undefined;
    /** `Values` of local.settings.json (or the sample), before the environment overrides them. */
    values: Record<string, string>;
    /** The settings file that was read, if any. */
    localSettingsFile: string | undefined;
    /** `Host.LocalHttpPort` of local.settings.json. */
    localHttpPort: number | undefined;
}

const timeSpan = z
    .string()
    .refine((v) => parseTimeSpan(v) !== undefined, { message: 'expected a TimeSpan like 00:00:30' });

const hostJsonSchema = z.looseObject({
    version: z.literal('2.0', { message: 'host.json must declare "version": "2.0"' }),
    functionTimeout: timeSpan.or(z.literal(-1)).optional(),
    extensions: z
        .looseObject({
            http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
            queues: z
                .looseObject({
                    batchSize: z.number().int().min(1).max(32).optional(),
                    newBatchThreshold: z.number().int().min(0).optional(),
                    maxPollingInterval: timeSpan.optional(),
                    visibilityTimeout: timeSpan.optional(),
                    maxDequeueCount: z.number().int().min(1).optional(),
                    messageEncoding: z.enum(['base64', 'none']).optional(),
                })
                .optional(),
        })
        .optional(),
});

const localSettingsSchema = z.looseObject({
    IsEncrypted: z.boolean().optional(),
    Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    Host: z.looseObject({ LocalHttpPort: z.number().int().min(0).max(65535).optional() }).optional(),
});

function readJson(file: string): unknown {
    const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    try {
        return JSON.parse(text) as unknown;
    } catch (error) {
        throw new HostConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
}

function describe(error: z.ZodError): string {
    return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

const queueOverridePrefix = 'AzureFunctionsJobHost__extensions__queues__';
const numericQueueSettings = new Set(['batchSize', 'newBatchThreshold', 'maxDequeueCount']);

/**
 * `extensions.queues` settings overridden by app settings named `AzureFunctionsJobHost__extensions__queues__<name>`,
 * as the Functions host allows for any host.json value (the environment, then local.settings.json Values).
 */
function withQueueOverrides(hostJson: unknown, settings: Record<string, string | undefined>): unknown {
    const overrides: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(settings)) {
        if (!name.startsWith(queueOverridePrefix) || value === undefined) continue;
        const key = name.slice(queueOverridePrefix.length);
        overrides[key] = numericQueueSettings.has(key) && /^\d+$/.test(value.trim()) ? Number(value) : value;
    }
    if (Object.keys(overrides).length === 0 || typeof hostJson !== 'object' || hostJson === null) return hostJson;
    const root = hostJson as { extensions?: { queues?: object } };
    return {
        ...root,
        extensions: { ...root.extensions, queues: { ...root.extensions?.queues, ...overrides } },
    };
}

/** Reads `<root>/host.json` and `<root>/local.settings.json` (or `local.settings.sample.json`). */
export function loadSettings(scriptRoot: string, env: NodeJS.ProcessEnv = process.env): HostSettings {
    const hostJsonPath = path.join(scriptRoot, 'host.json');
    if (!fs.existsSync(hostJsonPath)) throw new HostConfigError(`${hostJsonPath} not found`);
    const rawHostJson = readJson(hostJsonPath);

    let localSettingsFile: string | undefined;
    for (const name of ['local.settings.json', 'local.settings.sample.json']) {
        const candidate = path.join(scriptRoot, name);
        if (fs.existsSync(candidate)) {
            localSettingsFile = candidate;
            break;
        }
    }
    const values: Record<string, string> = {};
    let localHttpPort: number | undefined;
    if (localSettingsFile) {
        const parsed = localSettingsSchema.safeParse(readJson(localSettingsFile));
        if (!parsed.success) throw new HostConfigError(`${localSettingsFile} is invalid: ${describe(parsed.error)}`);
        if (parsed.data.IsEncrypted) {
            throw new HostConfigError(
                `${localSettingsFile} is encrypted (IsEncrypted: true); the local host reads plain values only`,
            );
        }
        for (const [key, value] of Object.entries(parsed.data.Values ?? {})) values[key] = String(value);
        localHttpPort = parsed.data.Host?.LocalHttpPort;
    }
    const parsedHost = hostJsonSchema.safeParse(withQueueOverrides(rawHostJson, { ...values, ...env }));
    if (!parsedHost.success) throw new HostConfigError(`${hostJsonPath} is invalid: ${describe(parsedHost.error)}`);
    const hostJson = parsedHost.data;

    const q = hostJson.extensions?.queues ?? {};
    const batchSize = q.batchSize ?? 16;
    const developmentPolling =
        (env.AZURE_FUNCTIONS_ENVIRONMENT ?? values.AZURE_FUNCTIONS_ENVIRONMENT) === 'Development';
    const queues: QueueOptions = {
        batchSize,
        newBatchThreshold: q.newBatchThreshold ?? Math.floor(batchSize / 2),
        maxPollingIntervalMs: Math.max(
            100,
            q.maxPollingInterval !== undefined
                ? parseTimeSpan(q.maxPollingInterval)!
                : developmentPolling
                  ? 2000
                  : 60_000,
        ),
        visibilityTimeoutMs: q.visibilityTimeout !== undefined ? parseTimeSpan(q.visibilityTimeout)! : 0,
        maxDequeueCount: q.maxDequeueCount ?? 5,
        messageEncoding: q.messageEncoding ?? 'base64',
    };

    const functionTimeoutMs =
        hostJson.functionTimeout === undefined || hostJson.functionTimeout === -1
            ? undefined
            : parseTimeSpan(hostJson.functionTimeout);

    return {
        scriptRoot,
        routePrefix: (hostJson.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, ''),
        queues,
        functionTimeoutMs,
        values,
        localSettingsFile,
        localHttpPort,
    };
}

/**
 * Copies settings `Values` into the environment, as `func start` does, except for variables that are
 * already set: the environment wins, so tests and people can override any value. Returns the names set.
 */
export function applyValuesToEnv(values: Record<string, string>, env: NodeJS.ProcessEnv = process.env): string[] {
    const applied: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        if (env[key] === undefined) {
            env[key] = value;
            applied.push(key);
        }
    }
    return applied;
}

/** Reads an app setting the way the host does: `A:B` and `A__B` name the same setting. */
export function getSetting(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    return env[name] ?? env[name.replace(/:/g, '__')] ?? env[name.replace(/__/g, ':')];
}

/**
 * Whether the app setting `AzureWebJobs.<name>.Disabled` turns the function off, as the Functions host does: its
 * trigger is not listened to (an HTTP route answers 404). Linux app settings cannot hold dots, so `__` works too.
 */
export function isFunctionDisabled(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
    const value = env[`AzureWebJobs.${name}.Disabled`] ?? env[`AzureWebJobs__${name}__Disabled`];
    return value !== undefined && /^(true|1)$/i.test(value.trim());
}

/**
 * Resolves `%NAME%` references in a binding property from app settings, as the host's name resolver
 * does (`%%` is not special). A reference to a missing setting is an error naming it.
 */
export function resolveSettingReferences(value: string, env: NodeJS.ProcessEnv = process.env): string {
    return value.replace(/%([^%]+)%/g, (_whole, name: string) => {
        const resolved = getSetting(name, env);
        if (resolved === undefined)
            throw new HostConfigError(`'%${name}%' does not resolve to a value (no setting named ${name})`);
        return resolved;
    });
}
