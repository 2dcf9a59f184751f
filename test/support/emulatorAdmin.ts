/** Typed access to the Graph emulator's admin API (docs/emulator.md), for assertions in end-to-end tests. */

/** One item of a mailbox as the admin API shows it (docs/emulator.md, "Mailbox view items"). */
export interface AdminItem {
    id: string;
    previousIds: string[];
    folder: string | null;
    state: string;
    subject: string;
    type: string;
    seriesMasterId: string | null;
    iCalUId: string;
    isOrganizer: boolean;
    isCancelled: boolean;
    /** Attendees' addresses. */
    attendees: string[];
    cancelComment: string | null;
    start: { dateTime: string };
    /** The mailbox owner's response (`organizer`, `none`, `declined`, …). */
    response: string;
    categories: string[];
    /** `yyyy-mm-dd` once a series was ended by date, else null. */
    recurrenceEndDate: string | null;
}

export interface AppointmentItem {
    id: string;
    isCancelled?: boolean;
    cancellationMessage?: string | null;
    [key: string]: unknown;
}

export interface LoggedRequest {
    method: string;
    path: string;
    /** null while the call is still being answered (e.g. held by a `hold` fault). */
    status: number | null;
    appId?: string;
    inBatch?: boolean;
}

async function json<T>(response: Response): Promise<T> {
    if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
}

export function emulatorAdmin(emulatorUrl: string) {
    const admin = `${emulatorUrl}/_emulator`;
    return {
        events: async (mailbox: string) =>
            (
                await json<{ value: AdminItem[] }>(
                    await fetch(`${admin}/mailboxes/${encodeURIComponent(mailbox)}/events`),
                )
            ).value,
        appointments: async (businessId: string) =>
            (
                await json<{ value: AppointmentItem[] }>(
                    await fetch(`${admin}/bookings/${encodeURIComponent(businessId)}/appointments`),
                )
            ).value,
        requests: async () => (await json<{ value: LoggedRequest[] }>(await fetch(`${admin}/requests`))).value,
        /** Graph calls as `METHOD path` without the query string, in order. */
        calls: async () =>
            (await json<{ value: LoggedRequest[] }>(await fetch(`${admin}/requests`))).value.map(
                (r) => `${r.method} ${decodeURIComponent(r.path.split('?')[0] ?? '')}`,
            ),
        clearRequests: async () => {
            await fetch(`${admin}/requests`, { method: 'DELETE' });
        },
        /** Lets the requests held by `hold` fault rules go on; resolves with how many there were. */
        releaseHeld: async () =>
            (await json<{ released: number }>(await fetch(`${admin}/faults/release`, { method: 'POST' }))).released,
        setFaults: async (rules: unknown[]) => {
            await json(
                await fetch(`${admin}/faults`, {
                    method: 'PUT',
                    headers: { 'Content-Type': 'application/json' },
                    body: JSON.stringify(rules),
                }),
            );
        },
    };
}
