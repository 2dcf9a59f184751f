import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { settingsSchema } from '../../src/config/schema';
import { maxBodyBytes } from '../../src/http/body';
import { maxCancellationsPageSize } from '../../src/http/schemas';
import { maxBatchSize } from '../../src/domain/reconciliation/graphLookups';
import { maxActiveSecrets } from '../../src/domain/webhooks/signingSecret';
import { maxRecoverCount } from '../../src/domain/webhooks/replay';
import {
    maxClientStateLength,
    maxDescriptionLength,
    maxNotificationUrlLength,
} from '../../src/domain/webhooks/subscriptionRules';
import { defaultMaxPerTenant } from '../../src/domain/webhooks/subscriptionService';
import { repoRoot } from '../paths';

/**
 * docs/settings.md: every setting of src/config/schema.ts with its `.describe()` text and default, the value the
 * Bicep gives it in Azure, and the azd environment value that changes it, so the reference cannot drift from the
 * code. test/infra/settings.test.ts fails when the committed file differs from a fresh rendering.
 */
export const settingsReferencePath = path.join(repoRoot, 'docs', 'settings.md');

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

/** `NAME: value` lines between the `// app-settings:begin` and `// app-settings:end` markers of api.bicep. */
export function bicepAppSettings(text = read('infra/app/api.bicep')): Map<string, string> {
    const begin = text.indexOf('// app-settings:begin');
    const end = text.indexOf('// app-settings:end');
    if (begin < 0 || end < begin) throw new Error('infra/app/api.bicep: app-settings markers not found');
    const settings = new Map<string, string>();
    for (const line of text.slice(begin, end).split('\n')) {
        const match = /^\s+([A-Za-z_][A-Za-z0-9_]*):\s*(.+?)\s*$/.exec(line);
        if (!match) continue;
        const [, name, value] = match as unknown as [string, string, string];
        if (settings.has(name)) throw new Error(`infra/app/api.bicep sets ${name} twice`);
        settings.set(name, value);
    }
    return settings;
}

/** main.parameters.json: Bicep parameter → the azd environment value it is substituted from, and its default. */
export function azdParameters(): Map<string, { variable: string; fallback: string | undefined }> {
    const file = JSON.parse(read('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const parameters = new Map<string, { variable: string; fallback: string | undefined }>();
    for (const [name, { value }] of Object.entries(file.parameters)) {
        const match = typeof value === 'string' ? /^\$\{([A-Z0-9_]+)(?:=([^}]*))?\}$/.exec(value) : null;
        if (match) parameters.set(name, { variable: match[1] ?? '', fallback: match[2] });
    }
    return parameters;
}

interface ZodInternals {
    _zod: { def: { type: string; defaultValue?: unknown; in?: unknown; innerType?: unknown } };
}

/** The default a setting takes when it is absent, in its settings form (before any transform); undefined if none. */
export function settingDefault(schema: z.core.$ZodType): { required: boolean; value: string | undefined } {
    let node = schema as unknown as ZodInternals;
    for (;;) {
        const { def } = node._zod;
        if (def.type === 'default') return { required: false, value: String(def.defaultValue) };
        if (def.type === 'optional') return { required: false, value: undefined };
        if (def.type === 'pipe' && def.in) node = def.in as ZodInternals;
        else return { required: true, value: undefined };
    }
}

/** The setting's description (src/config/schema.ts registers it in zod's global registry). */
export function settingDescription(schema: z.core.$ZodType): string | undefined {
    return z.globalRegistry.get(schema)?.description;
}

/** A Markdown table with every column padded to its widest cell, as Prettier writes it. */
function table(header: string[], rows: string[][]): string {
    const widths = header.map((title, column) =>
        Math.max(title.length, 3, ...rows.map((row) => (row[column] ?? '').length)),
    );
    const line = (cells: string[]) =>
        `| ${cells.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
    return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const code = (text: string) => (text === '' ? '(empty)' : `\`${text.replace(/\|/g, '\\|')}\``);
const cell = (text: string) => text.replace(/\|/g, '\\|');

function inAzure(
    name: string,
    settings: Map<string, string>,
    parameters: ReturnType<typeof azdParameters>,
    apiBicep: string,
): string {
    const value = settings.get(name);
    if (value === undefined) {
        return name === 'AzureWebJobsStorage' ? 'not set: `AzureWebJobsStorage__*` (identity-based)' : 'not set';
    }
    const literal = /^'([^']*)'$/.exec(value);
    if (literal) return code(literal[1] ?? '');
    if (value === 'tenantPolicy')
        return 'azd env `TENANT_POLICY_BASE64` (base64 of the JSON, [reference](tenant-policy.md))';
    const parameter = parameters.get(value);
    if (parameter) return `azd env \`${parameter.variable}\``;
    const bicepDefault = new RegExp(`^param ${value} string = '([^']*)'$`, 'm').exec(apiBicep)?.[1];
    if (bicepDefault !== undefined) return `${code(bicepDefault)} (api.bicep parameter \`${value}\`)`;
    return `\`${cell(value)}\``;
}

/** docs/settings.md as committed (tables padded as Prettier pads them, so `prettier --check` passes). */
export function renderSettingsReference(): string {
    const settings = bicepAppSettings();
    const parameters = azdParameters();
    const apiBicep = read('infra/app/api.bicep');
    const rows = Object.entries(settingsSchema.shape).map(([name, schema]) => {
        const fallback = settingDefault(schema);
        const defaultText = fallback.required
            ? 'required'
            : fallback.value === undefined
              ? 'unset'
              : code(fallback.value);
        const description = settingDescription(schema) ?? '';
        return [`\`${name}\``, cell(description), defaultText, inAzure(name, settings, parameters, apiBicep)];
    });
    const limits = [
        [`Request body`, `${maxBodyBytes / 1024} KiB (\`413\` beyond)`, `the gateway (\`src/http/body.ts\`)`],
        [
            `\`$top\` of \`GET /api/cancellations\`, \`/api/deliveries\`, \`/api/parkedNotifications\``,
            `1–${maxCancellationsPageSize}; pages continue with \`@odata.nextLink\``,
            `the gateway`,
        ],
        [
            `Webhook subscriptions`,
            `${defaultMaxPerTenant} per tenant (\`400 subscriptionLimitReached\` beyond)`,
            `the gateway`,
        ],
        [
            `Subscription \`notificationUrl\`, \`clientState\`, \`description\``,
            `${maxNotificationUrlLength}, ${maxClientStateLength}, ${maxDescriptionLength} characters`,
            `the gateway`,
        ],
        [`Signing secrets per subscription`, `${maxActiveSecrets} at once (during rotations)`, `the gateway`],
        [`Deliveries replayed by one \`recover\``, `${maxRecoverCount}`, `the gateway`],
        [`Webhook response read`, `\`WEBHOOK_MAX_RESPONSE_BYTES\` (64 KiB)`, `setting`],
        [
            `Graph, per app and mailbox (Outlook)`,
            `4 concurrent requests, 10,000 requests per 10 minutes; \`429\` + \`Retry-After\` beyond`,
            `[Graph throttling limits](https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits)`,
        ],
        [
            `Graph \`$batch\` (reconciliation)`,
            `${maxBatchSize} requests per batch, each throttled on its own`,
            `[JSON batching](https://learn.microsoft.com/graph/json-batching)`,
        ],
        [
            `Graph throttling seen by callers`,
            `retried within \`GRAPH_RETRY_DEADLINE_MS\`, then \`503\` with \`Retry-After\``,
            `setting`,
        ],
    ];
    const markdown = `# Settings reference

<!-- Generated from src/config/schema.ts, infra/app/api.bicep and infra/main.parameters.json by
     dev/settings/reference.ts: npm run docs:settings. Do not edit by hand; test/infra/settings.test.ts compares. -->

Every app setting the gateway reads. They are read once at start-up; a missing or invalid one stops the app, naming
the setting (locally on the console; in Azure in Application Insights, and every route answers 404 while the host has
no functions: see [troubleshooting](troubleshooting.md)). Locally they come from \`local.settings.json\` (copy
\`local.settings.sample.json\`); in Azure from the app settings \`infra/app/api.bicep\` writes.

**Changing a setting in Azure**: the "In Azure" column says where the value comes from. For \`azd env X\`, run
\`azd env set X <value>\` and then \`azd provision\`: app settings are owned by the Bicep, so a change made in the portal
is replaced by the next \`azd provision\`. A Bicep expression is derived from the deployment (identity, storage
account, Key Vault).

Rules checked at start-up in production (\`GATEWAY_ENVIRONMENT=production\`, what Azure runs):
\`RECONCILE_RUN_ON_STARTUP\` and \`WEBHOOK_ALLOW_LOOPBACK\` must be \`false\`; \`AUTH_AUTHORITY_HOST\` and
\`GRAPH_BASE_URL\` must be https national-cloud hosts or named in \`CUSTOM_CLOUD_HOSTS\`; everywhere,
\`GRAPH_CREDENTIAL=clientSecret\` needs \`GRAPH_CLIENT_SECRET\`, and \`IDEMPOTENCY_LOCK_SECONDS\` must cover
2 × (\`GRAPH_TIMEOUT_MS\` + \`GRAPH_RETRY_DEADLINE_MS\`).

${table(['Setting', 'Meaning', 'Default', 'In Azure'], rows)}

Host settings (read by the Functions host, not by the gateway's code): \`FUNCTIONS_REQUEST_BODY_SIZE_LIMIT\`
(${code(settings.get('FUNCTIONS_REQUEST_BODY_SIZE_LIMIT')?.replace(/'/g, '') ?? 'unset')} in Azure),
\`APPLICATIONINSIGHTS_CONNECTION_STRING\` and \`APPLICATIONINSIGHTS_AUTHENTICATION_STRING\` (telemetry, Entra ID auth),
\`AzureWebJobsStorage__*\` (the identity-based storage connection).

Other azd environment values the Bicep reads (\`infra/main.parameters.json\`):

${[...parameters.entries()]
    .filter(([parameter]) => ![...settings.values()].includes(parameter))
    .map(
        ([parameter, { variable, fallback }]) =>
            `- \`${variable}\` → \`${parameter}\`${fallback !== undefined ? `, default ${code(fallback)}` : ''}`,
    )
    .join('\n')}

## Limits

${table(['What', 'Limit', 'Where it comes from'], limits)}
`;
    return markdown;
}

function main(): void {
    writeFileSync(settingsReferencePath, renderSettingsReference());
    console.log(`wrote ${path.relative(repoRoot, settingsReferencePath)}`);
}

if (require.main === module) {
    main();
}
