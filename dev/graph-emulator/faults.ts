import * as z from 'zod';
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
        /**
         * Hold a matching request (after its latency) until `POST /_emulator/faults/release`, or until the rules are
         * replaced or cleared: a test decides when it goes on, instead of guessing a latency long enough.
         */
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
            /** Exchange's per-mailbox message rate (sendingLimit.ts); null switches it off. */
            sendingLimit: z
                .object({ messagesPerMinute: z.number().int().min(1).max(10_000) })
                .strict()
                .nullable()
                .optional(),
            /** Drops the next N change notifications, or all until cleared (null); lifecycle ones still go. */
            dropNotifications: z
                .union([z.number().int().min(1), z.literal('all')])
                .nullable()
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
    /** Settles when held requests are released; undefined when no matching rule holds. */
    held?: Promise<void>;
    error?: { status: number; code: string; message: string; headers: Record<string, string> };
}

/** Requests held by `hold` rules, released together. */
class HeldRequests {
    private waiting = 0;
    private open: () => void = () => undefined;
    private gate: Promise<void> = this.close();

    private close(): Promise<void> {
        return new Promise((resolve) => (this.open = resolve));
    }

    get count(): number {
        return this.waiting;
    }

    async hold(): Promise<void> {
        this.waiting += 1;
        try {
            await this.gate;
        } finally {
            this.waiting -= 1;
        }
    }

    /** Lets every held request go on; returns how many there were. */
    release(): number {
        const released = this.waiting;
        this.open();
        this.gate = this.close();
        return released;
    }
}

export class Faults {
    private rules: ActiveRule[] = [];
    mailboxConcurrency = { enabled: true, limit: 4 };
    private random: () => number = Math.random;
    private readonly heldRequests = new HeldRequests();

    /** Requests waiting on a `hold` rule. */
    get held(): number {
        return this.heldRequests.count;
    }

    /** Lets the held requests go on; returns how many there were. */
    release(): number {
        return this.heldRequests.release();
    }

    set(rules: FaultRule[], seed?: number): void {
        this.release();
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
            hit ??= { latencyMs: 0 };
            hit.latencyMs += rule.latencyMs;
            if (rule.hold) hit.held ??= this.heldRequests.hold();
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
