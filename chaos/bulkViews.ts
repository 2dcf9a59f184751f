/** What the bulk chaos run reads: the job through the gateway's public API, Graph's side through the emulator's. */

export interface JobView {
    id: string;
    state: string;
    counts?: { total: number; byAction: Record<string, number>; byOutcome: Record<string, number> };
}

export interface JobItemView {
    eventId: string;
    subject: string;
    action: string;
    outcome: string;
    cancellationId?: string;
    error?: { status: number; code: string; message: string };
}

/** One Graph call in the emulator's request log (docs/emulator.md "Admin API"). */
export interface GraphRequestView {
    seq: number;
    method: string;
    path: string;
    status: number | null;
}

/** One item of a mailbox as the emulator's admin view shows it (Deleted Items and cancelled ones too). */
export interface MailboxItemView {
    id: string;
    previousIds: string[];
    immutableId: string;
    isOrganizer: boolean;
    isCancelled: boolean;
    state: string;
    cancelledVia: string | null;
}

async function json<T>(response: Response, what: string): Promise<T> {
    if (!response.ok) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
}

/** `/api/cancellationJobs` as an administrator (app token with `Cancellations.Admin`). */
export function jobsApi(gatewayUrl: string, token: () => string) {
    const headers = () => ({ Authorization: `Bearer ${token()}` });
    const get = async <T>(url: string) =>
        json<T>(await fetch(url, { headers: headers(), signal: AbortSignal.timeout(30_000) }), `GET ${url}`);
    return {
        /** Starts the job; answers its `Location` (`/api/cancellationJobs/{id}`). */
        async start(body: unknown): Promise<string> {
            const response = await fetch(`${gatewayUrl}/api/cancellationJobs`, {
                method: 'POST',
                headers: { ...headers(), 'Content-Type': 'application/json' },
                body: JSON.stringify(body),
                signal: AbortSignal.timeout(60_000),
            });
            const location = response.headers.get('location');
            if (response.status !== 202 || !location) {
                throw new Error(`starting the job answered ${response.status}: ${await response.text()}`);
            }
            return location;
        },
        job: (location: string) => get<JobView>(`${gatewayUrl}${location}`),
        /** Every item of the job (all pages). */
        async items(location: string): Promise<JobItemView[]> {
            const all: JobItemView[] = [];
            let next: string | undefined = `${gatewayUrl}${location}/items?$top=200`;
            while (next) {
                const page: { value: JobItemView[]; '@odata.nextLink'?: string } = await get(next);
                all.push(...page.value);
                next = page['@odata.nextLink'];
            }
            return all;
        },
    };
}

export async function graphRequests(emulatorUrl: string): Promise<GraphRequestView[]> {
    const page = await json<{ value: GraphRequestView[] }>(
        await fetch(`${emulatorUrl}/_emulator/requests`),
        'the request log',
    );
    return page.value;
}

export async function clearGraphRequests(emulatorUrl: string): Promise<void> {
    const response = await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
    if (!response.ok) throw new Error(`clearing the request log answered ${response.status}`);
}

export async function mailboxItems(emulatorUrl: string, mailbox: string): Promise<MailboxItemView[]> {
    const page = await json<{ value: MailboxItemView[] }>(
        await fetch(`${emulatorUrl}/_emulator/mailboxes/${encodeURIComponent(mailbox)}/events`),
        `the mailbox ${mailbox}`,
    );
    return page.value;
}
