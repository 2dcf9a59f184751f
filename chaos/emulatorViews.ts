/** What the Graph emulator's admin API says was actually cancelled (docs/emulator.md, "Admin API"). */

interface MailboxItem {
    id: string;
    previousIds: string[];
    isOrganizer: boolean;
    cancelledVia: string | null;
}

interface AppointmentItem {
    id: string;
    isCancelled?: boolean;
}

async function list<T>(url: string): Promise<T[]> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return ((await response.json()) as { value: T[] }).value;
}

/** Ids (as the workload knew them) of every organizer event and appointment the emulator cancelled. */
export async function performedCancellations(
    emulatorUrl: string,
    mailboxes: readonly string[],
    businesses: readonly string[],
): Promise<Set<string>> {
    const admin = `${emulatorUrl}/_emulator`;
    const performed = new Set<string>();
    for (const mailbox of mailboxes) {
        for (const item of await list<MailboxItem>(`${admin}/mailboxes/${encodeURIComponent(mailbox)}/events`)) {
            // A cancelled single event moved to Deleted Items under a new id; the id it was cancelled by is kept.
            if (item.isOrganizer && item.cancelledVia !== null) performed.add(item.previousIds[0] ?? item.id);
        }
    }
    for (const business of businesses) {
        for (const item of await list<AppointmentItem>(
            `${admin}/bookings/${encodeURIComponent(business)}/appointments`,
        )) {
            if (item.isCancelled) performed.add(item.id);
        }
    }
    return performed;
}

/**
 * Sets the emulator's injected faults: `faultRate` of Graph calls answered 429 or 503 (half each), some latency; the
 * draws are seeded (the order of concurrent calls still varies from run to run).
 */
export async function injectGraphFaults(
    emulatorUrl: string,
    faultRate: number,
    retryAfterSeconds: number,
    seed: number,
) {
    const half = faultRate / 2;
    const rules = [
        { status: 429, retryAfterSeconds, rate: half },
        // Tried only when the 429 rule missed, so the two together hit `faultRate` of the calls.
        { status: 503, retryAfterSeconds, rate: half / (1 - half) },
        { latencyMs: 40, rate: 0.3 },
        { latencyMs: 400, rate: 0.02 },
    ];
    const response = await fetch(`${emulatorUrl}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ rules, seed }),
    });
    if (!response.ok) throw new Error(`setting faults failed: ${response.status} ${await response.text()}`);
}

/** How many Graph calls the emulator answered with an injected fault (the rules' hit counters). */
export async function faultHits(emulatorUrl: string): Promise<{ throttled: number; unavailable: number }> {
    const rules = await list<{ status?: number; hits: number }>(`${emulatorUrl}/_emulator/faults`);
    const sum = (status: number) => rules.filter((r) => r.status === status).reduce((n, r) => n + r.hits, 0);
    return { throttled: sum(429), unavailable: sum(503) };
}
