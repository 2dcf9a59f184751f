import type { BenchStack } from './stack';
import { clearRequestLog, type LoggedCall, requestLog } from './emulator';
import { type LoadTarget, gatewayPath, runLoad } from './load';
import { type BenchUser, eventId, type Phase } from './mailboxes';

/** What one cancel sends Graph, with the event id replaced by `{event}` so two cancels compare. */
export interface GraphCalls {
    readonly calls: readonly string[];
    /** `$select` of the organizer check. */
    readonly eventSelect: string;
}

function normalized(entries: readonly LoggedCall[], id: string): string[] {
    return entries
        .filter((entry) => !entry.inBatch)
        .sort((a, b) => a.seq - b.seq)
        .map((entry) =>
            `${entry.method} ${entry.path}`.split(encodeURIComponent(id)).join('{event}').split(id).join('{event}'),
        );
}

async function gatewayCancel(stack: BenchStack, users: readonly BenchUser[], phase: Phase, i: number): Promise<void> {
    const user = users[i % users.length]!;
    const response = await fetch(`${stack.gatewayUrl}${gatewayPath(users, phase, i)}`, {
        method: 'POST',
        headers: { authorization: user.authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'bench:gateway probe' }),
        signal: AbortSignal.timeout(30_000),
    });
    if (response.status !== 202) throw new Error(`probe cancel: HTTP ${response.status} ${await response.text()}`);
}

/**
 * Reads from the emulator's request log what one gateway cancel sends Graph once the caller's directory entry is
 * cached (the second cancel in a mailbox), then checks that one direct cancel as the bench sends it makes the same
 * calls. `phase` needs `users.length + 1` events and `directPhase` one, both seeded.
 */
export async function probeGraphCalls(
    stack: BenchStack,
    target: Omit<LoadTarget, 'eventSelect'>,
    phase: Phase,
    directPhase: Phase,
): Promise<GraphCalls & { readonly firstInMailbox: readonly string[] }> {
    const { users } = target;
    await clearRequestLog(stack.emulatorUrl);
    await gatewayCancel(stack, users, phase, 0);
    const firstInMailbox = normalized(await requestLog(stack.emulatorUrl), eventId(phase, 0));
    await clearRequestLog(stack.emulatorUrl);
    // Same mailbox again: what every later cancel there costs.
    await gatewayCancel(stack, users, phase, users.length);
    const calls = normalized(await requestLog(stack.emulatorUrl), eventId(phase, users.length));
    const select = /[?&](?:\$|%24)select=([^&]*)/.exec(calls[0] ?? '')?.[1];
    if (calls.length !== 2 || !calls[0]!.startsWith('GET ') || !calls[1]!.startsWith('POST ') || !select) {
        throw new Error(`the gateway's Graph calls are not the expected GET + POST cancel: ${calls.join(' | ')}`);
    }
    const eventSelect = decodeURIComponent(select);

    await clearRequestLog(stack.emulatorUrl);
    const direct = await runLoad('direct', { ...target, eventSelect }, directPhase, 1);
    if (direct.failures.length > 0) throw new Error(`probe direct cancel failed: ${direct.failures.join('; ')}`);
    const directCalls = normalized(await requestLog(stack.emulatorUrl), eventId(directPhase, 0));
    if (directCalls.join('\n') !== calls.join('\n')) {
        throw new Error(
            `direct calls differ from the gateway's:\n  gateway: ${calls.join(' | ')}\n  direct:  ${directCalls.join(' | ')}`,
        );
    }
    return { calls, eventSelect, firstInMailbox };
}
