import type { Fixture } from '../../dev/graph-emulator/fixture';

const adminTimeoutMs = 60_000;

/** One entry of the emulator's request log (docs/emulator.md, "Request log entries"), the fields the bench reads. */
export interface LoggedCall {
    readonly seq: number;
    readonly method: string;
    readonly path: string;
    readonly status: number | null;
    readonly appId: string | null;
    readonly inBatch: boolean;
}

async function admin(emulatorUrl: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${emulatorUrl}/_emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(adminTimeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Reseeds the emulator (this also clears its faults and request log). */
export async function resetEmulator(emulatorUrl: string, fixture: Fixture): Promise<void> {
    await admin(emulatorUrl, 'POST', '/reset', fixture);
}

/**
 * Every Graph request waits `latencyMs` before it is handled. Outlook's per-mailbox concurrency limit is switched
 * off: it is Graph's throttling, not the gateway's cost, and its 429s would put retries into the gateway's figures.
 */
export async function setGraphLatency(emulatorUrl: string, latencyMs: number): Promise<void> {
    await admin(emulatorUrl, 'PUT', '/faults', {
        rules: latencyMs > 0 ? [{ latencyMs }] : [],
        mailboxConcurrency: { enabled: false, limit: 4 },
    });
}

export async function requestLog(emulatorUrl: string): Promise<LoggedCall[]> {
    return ((await admin(emulatorUrl, 'GET', '/requests')) as { value: LoggedCall[] }).value;
}

export async function clearRequestLog(emulatorUrl: string): Promise<void> {
    await admin(emulatorUrl, 'DELETE', '/requests');
}
