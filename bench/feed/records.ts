import { devTenant } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';

const requestTimeoutMs = 60_000;

/** How many `origin: "outlook"` records the gateway lists to an administrator (every page). */
export async function countOutlookRecords(gatewayUrl: string, issuerHost: string): Promise<number> {
    const token = mintToken({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'], issuerHost });
    let url: string | undefined = `${gatewayUrl}/api/cancellations?origin=outlook`;
    let count = 0;
    while (url !== undefined) {
        const response = await fetch(url, {
            headers: { Authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(requestTimeoutMs),
        });
        if (response.status !== 200) throw new Error(`GET /api/cancellations: HTTP ${response.status}`);
        const page = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string };
        count += page.value.length;
        url = page['@odata.nextLink'];
    }
    return count;
}

/**
 * Cancels each meeting as its organizer does in Outlook (emulator admin action), `concurrency` at a time; answers
 * each meeting's immutable id, what Graph's notifications carry for the gateway's subscriptions.
 */
export async function cancelInOutlook(
    emulatorUrl: string,
    meetings: readonly { readonly organizer: string; readonly eventId: string }[],
    concurrency: number,
): Promise<string[]> {
    const ids: string[] = new Array<string>(meetings.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < meetings.length) {
            const index = next++;
            const { organizer, eventId } = meetings[index]!;
            const response = await fetch(
                `${emulatorUrl}/_emulator/mailboxes/${encodeURIComponent(organizer)}/events/${encodeURIComponent(eventId)}/cancelInOutlook`,
                {
                    method: 'POST',
                    headers: { 'Content-Type': 'application/json' },
                    body: '{}',
                    signal: AbortSignal.timeout(requestTimeoutMs),
                },
            );
            const body = (await response.json()) as { immutableId?: string };
            if (!response.ok || typeof body.immutableId !== 'string') {
                throw new Error(`cancelInOutlook ${eventId}: HTTP ${response.status} ${JSON.stringify(body)}`);
            }
            ids[index] = body.immutableId;
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, meetings.length) }, worker));
    return ids;
}
