import { z } from 'zod';
import { mulberry32 } from './seededRandom';

/** One injected fault. A rule without `status` only adds latency. */
export const faultRuleSchema = z
    .object({
        /** Case-insensitive prefix of the path (with or without `/v1.0`/`/beta`, percent-decoded). */
        path: z.string().optional(),
        /** Regular expression (case-insensitive) tested against the same path forms. */
        pathRegex: z.string().optional(),
        method: z.string().optional(),
        status: z.number().int().min(400).max(599).optional(),
        code: z.string().optional(),
        message: z.string().optional(),
        retryAfterSeconds: z.number().min(0).optional(),
        /** Probability 0..1 that a matching request is hit (default 1). */
        rate: z.number().min(0).max(1).default(1),
        latencyMs: z.number().int().min(0).max(60_000).default(0),
        /** Hold a matching request (after any latency) until `POST /_emulator/faults/release`, a reset or a clear. */
        hold: z.boolean().default(false),
        /** Apply to at most this many requests, then stop. */
        count: z.number().int().min(1).optional(),
        /** `any` (default), `only` batch items, or `never` batch items. */
        inBatch: z.enum(['any', 'only', 'never']).default('any'),
    })
    .strict()
    .refine((r) => r.pathRegex === undefined || isValidRegex(r.pathRegex), { message: 'invalid pathRegex' });

export const faultConfigSchema = z.union([
    z.array(faultRuleSchema),
    z
        .object({
            rules: z.array(faultRuleSchema).default([]),
            mailboxConcurrency: z
                .object({ enabled: z.boolean().default(true), limit: z.number().int().min(1).default(4) })
                .strict()
                .optional(),
            /** Seeds the draws of `rate`, so a run with the same requests in the same order gets the same faults. */
            seed: z
                .number()
                .int()
                .min(0)
                .max(2 ** 32 - 1)
                .optional(),
        })
        .strict(),
]);

export type FaultRule = z.output<typeof faultRuleSchema>;

function isValidRegex(source: string): boolean {
    try {
        new RegExp(source, 'i');
        return true;
    } catch {
        return false;
    }
}

interface ActiveRule {
    rule: FaultRule;
    regex?: RegExp;
    hits: number;
}

const defaultMessages: Record<number, [string, string]> = {
    429: ['TooManyRequests', 'Too many requests.'],
    500: ['generalException', 'An internal server error occurred.'],
    502: ['BadGateway', 'Bad gateway.'],
    503: ['serviceNotAvailable', 'The service is temporarily unavailable.'],
    504: ['GatewayTimeout', 'Gateway timeout.'],
};

export interface FaultHit {
    latencyMs: number;
    hold: boolean;
    error?: { status: number; code: string; message: string; headers: Record<string, string> };
}

export class Faults {
    private rules: ActiveRule[] = [];
    mailboxConcurrency = { enabled: true, limit: 4 };
    private random: () => number = Math.random;
    /** Requests held by a `hold` rule, each waiting for its release. */
    private held: Array<() => void> = [];

    /** Resolves when the held requests are released. */
    waitForRelease(): Promise<void> {
        return new Promise((resolve) => this.held.push(resolve));
    }

    /** Lets every held request go on; returns how many there were. */
    release(): number {
        const held = this.held;
        this.held = [];
        for (const resume of held) resume();
        return held.length;
    }

    set(rules: FaultRule[], seed?: number): void {
        this.random = seed === undefined ? Math.random : mulberry32(seed);
        this.rules = rules.map((rule) => ({
            rule,
            regex: rule.pathRegex !== undefined ? new RegExp(rule.pathRegex, 'i') : undefined,
            hits: 0,
        }));
    }

    clear(): void {
        this.release();
        this.rules = [];
        this.mailboxConcurrency = { enabled: true, limit: 4 };
        this.random = Math.random;
    }

    list(): Record<string, unknown>[] {
        return this.rules.map((r) => ({ ...r.rule, hits: r.hits }));
    }

    /** Finds what to inject for a request; `paths` are the forms a rule may match (full and version-less). */
    match(method: string, paths: string[], inBatch: boolean): FaultHit | undefined {
        let hit: FaultHit | undefined;
        for (const active of this.rules) {
            const { rule } = active;
            if (rule.count !== undefined && active.hits >= rule.count) continue;
            if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
            if (rule.inBatch === 'only' && !inBatch) continue;
            if (rule.inBatch === 'never' && inBatch) continue;
            const prefix = rule.path?.toLowerCase();
            const pathOk = paths.some(
                (p) =>
                    (prefix === undefined || p.toLowerCase().startsWith(prefix)) &&
                    (active.regex === undefined || active.regex.test(p)),
            );
            if (!pathOk) continue;
            if (rule.rate < 1 && this.random() >= rule.rate) continue;
            active.hits += 1;
            hit ??= { latencyMs: 0, hold: false };
            hit.latencyMs += rule.latencyMs;
            hit.hold ||= rule.hold;
            if (rule.status !== undefined && !hit.error) {
                const [code, message] = defaultMessages[rule.status] ?? ['UnknownError', 'Injected fault.'];
                hit.error = {
                    status: rule.status,
                    code: rule.code ?? code,
                    message: rule.message ?? message,
                    headers:
                        rule.retryAfterSeconds !== undefined ? { 'Retry-After': String(rule.retryAfterSeconds) } : {},
                };
            }
        }
        return hit;
    }
}
