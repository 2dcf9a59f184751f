import { devTenant } from '../../dev/identity/devTenant';
import type { WatchedMailbox } from '../../src/domain/feed/ports';

/** Graph sends at most this many notifications in one POST (docs/emulator.md "Change notifications"). */
export const notificationsPerPost = 100;
const postTimeoutMs = 60_000;

/** One watched mailbox as the bench needs it: its subscription and that subscription's secret. */
export interface WatchedTarget {
    readonly mailbox: string;
    readonly subscriptionId: string;
    readonly clientState: string;
}

export function watchedTargets(rows: readonly WatchedMailbox[]): WatchedTarget[] {
    return rows.flatMap((row) =>
        row.subscriptionId !== undefined && row.clientState !== undefined
            ? [{ mailbox: row.mailbox, subscriptionId: row.subscriptionId, clientState: row.clientState }]
            : [],
    );
}

/**
 * Graph's change notification for one event of a watched mailbox, in the wire shape the emulator sends (and Graph
 * documents): `value[]` items with `subscriptionId`, `changeType`, `resource`, `resourceData`, `clientState`.
 */
export function changeNotification(target: WatchedTarget, eventId: string): Record<string, unknown> {
    const resource = `Users/${target.mailbox}/Events/${eventId}`;
    return {
        subscriptionId: target.subscriptionId,
        subscriptionExpirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        // A cancel in Outlook moves the organizer's event to Deleted Items: Graph says `deleted`.
        changeType: 'deleted',
        resource,
        resourceData: { '@odata.type': '#Microsoft.Graph.Event', '@odata.id': resource, id: eventId },
        clientState: target.clientState,
        tenantId: devTenant.tenantId,
    };
}

export interface BurstResult {
    /** Answer time of each POST, ascending, in ms. */
    readonly latenciesMs: Float64Array;
    readonly posts: number;
    readonly notStatus202: number;
    readonly wallMs: number;
}

/** POSTs the batches to the notification endpoint, `concurrency` at a time, as Graph's senders do. */
export async function sendBurst(
    url: string,
    batches: readonly Record<string, unknown>[][],
    concurrency: number,
): Promise<BurstResult> {
    const latencies: number[] = [];
    let notStatus202 = 0;
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
        while (next < batches.length) {
            const batch = batches[next++]!;
            const sent = performance.now();
            const response = await fetch(url, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json; charset=utf-8' },
                body: JSON.stringify({ value: batch }),
                signal: AbortSignal.timeout(postTimeoutMs),
            });
            await response.arrayBuffer();
            latencies.push(performance.now() - sent);
            if (response.status !== 202) notStatus202 += 1;
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    return {
        latenciesMs: Float64Array.from(latencies).sort(),
        posts: batches.length,
        notStatus202,
        wallMs: performance.now() - started,
    };
}
