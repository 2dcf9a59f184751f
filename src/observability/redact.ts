/** What replaces a secret in a log line: says what kind of thing was removed, never any part of it. */
const patterns: readonly (readonly [RegExp, string])[] = [
    // `Authorization: Bearer …` / `"authorization":"…"` in headers dumped as text.
    [/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,;}]+/gi, '$1[redacted]'],
    [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]'],
    // JWTs (access tokens, id tokens, client assertions): base64url `{"…` header, then payload and signature.
    [/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, '[redacted-jwt]'],
    // Standard Webhooks signing secrets.
    [/\bwhsec_[A-Za-z0-9+/=_-]*/g, '[redacted-webhook-secret]'],
    [/((?:client_secret|clientSecret)["']?\s*[:=]\s*["']?)[^"'&,;\s}]+/gi, '$1[redacted]'],
    // Storage connection strings: the whole pair goes, the name included, so a grep for it finds nothing.
    [/\bAccountKey=[^;"'\s]*/gi, '[redacted-account-key]'],
    [/\bSharedAccessSignature=[^;"'\s]*/gi, '[redacted-sas]'],
    // SAS tokens in URLs.
    [/([?&]sig=)[^&"'\s]+/gi, '$1[redacted]'],
];

/** Property names whose value is a secret whatever it looks like. */
const secretKey =
    /^(authorization|proxy-authorization|cookie|set-cookie|client_?secret|secret|password|access_?token|refresh_?token|id_?token|token|client_?assertion|account_?key|connection_?string|sas)$/i;

/** App settings whose values are secrets: redacted by value wherever they turn up. */
const secretSetting = /(secret|password|accountkey|_key$|connection_?string$|^AzureWebJobsStorage$)/i;
const minimumSecretLength = 8;

let knownSecrets: readonly string[] | undefined;

function secretValues(): readonly string[] {
    knownSecrets ??= Object.entries(process.env)
        .filter(
            ([name, value]) => secretSetting.test(name) && value !== undefined && value.length >= minimumSecretLength,
        )
        .map(([, value]) => value!)
        .sort((a, b) => b.length - a.length);
    return knownSecrets;
}

/** Forgets the secret settings read from `process.env` (tests change the environment). */
export function resetKnownSecrets(): void {
    knownSecrets = undefined;
}

/**
 * Matches every string at least one of {@link patterns} can match (each pattern's fixed part, case ignored): a string
 * it does not match skips the patterns. Every log field goes through here, and most hold no secret (issue 19).
 */
const mayHoldPattern = /authorization|bearer|eyJ|whsec_|client_?secret|AccountKey=|SharedAccessSignature=|[?&]sig=/i;

function redactString(text: string): string {
    let result = text;
    for (const value of secretValues()) {
        if (value.length <= result.length && result.includes(value)) {
            result = result.split(value).join('[redacted-setting]');
        }
    }
    if (!mayHoldPattern.test(result)) return result;
    for (const [pattern, replacement] of patterns) result = result.replace(pattern, replacement);
    return result;
}

const maxDepth = 8;

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth >= maxDepth) return '[too deep]';
    seen.add(value);
    if (value instanceof Error) {
        const error: Record<string, unknown> = {
            name: value.name,
            message: redactString(value.message),
            stack: value.stack === undefined ? undefined : redactString(value.stack),
        };
        if (value.cause !== undefined) error.cause = redactValue(value.cause, depth + 1, seen);
        return error;
    }
    if (value instanceof Headers) {
        return redactValue(Object.fromEntries(value.entries()), depth + 1, seen);
    }
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
        result[key] = secretKey.test(key) && item != null ? '[redacted]' : redactValue(item, depth + 1, seen);
    }
    return result;
}

/**
 * Removes secrets from anything about to be logged: bearer tokens and other JWTs, `whsec_` webhook secrets,
 * `Authorization` headers, `client_secret`, storage `AccountKey=` / `SharedAccessSignature=` / SAS `sig=`,
 * values of secret-named properties, and the values of secret app settings (`GRAPH_CLIENT_SECRET`,
 * `AzureWebJobsStorage`, …) wherever they appear. Strings are redacted; objects are copied, never mutated;
 * errors become `{ name, message, stack, cause }`.
 */
export function redact(value: string): string;
export function redact(value: unknown): unknown;
export function redact(value: unknown): unknown {
    return redactValue(value, 0, new WeakSet());
}
