import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';

const [alice] = devTenant.users;

interface LogRecord {
    readonly ts: string;
    readonly level: string;
    readonly msg: string;
    readonly requestId?: string;
    readonly cancellationId?: string;
    readonly graphRequestId?: string;
    readonly invocationId?: string;
    readonly [field: string]: unknown;
}

/** The JSON records the app logged, from host lines such as `[ts] cancelEvent (Id=…): {"ts":…}`. */
function jsonRecords(lines: readonly string[]): LogRecord[] {
    return lines.flatMap((line) => {
        const start = line.indexOf('{"ts":');
        if (start === -1) return [];
        try {
            return [JSON.parse(line.slice(start)) as LogRecord];
        } catch {
            return [];
        }
    });
}

describe('structured logs on the local host', () => {
    const local = useLocalStack();

    it('every line of a cancel carries its request id, Graph request ids and the cancellation id; no secrets', async () => {
        const token = local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] });
        const before = local.stack.hostOutput.length;
        const response = await fetch(
            `${local.stack.gatewayUrl}/api/v1.0/me/events/${demoIds.budgetReviewId}/cancel?trace=1`,
            {
                method: 'POST',
                headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
                body: JSON.stringify({ comment: 'Observability check' }),
            },
        );
        expect(response.status).toBe(202);
        const requestId = response.headers.get('request-id')!;
        const cancellationId = /\/cancellations\/([^/]+)$/.exec(response.headers.get('location') ?? '')?.[1];
        expect(cancellationId).toBeDefined();

        // The request line is written before the response leaves the function; the host may print it a bit later.
        const deadline = Date.now() + 5_000;
        let requestLine: LogRecord | undefined;
        while (!requestLine && Date.now() < deadline) {
            requestLine = jsonRecords(local.stack.hostOutput.slice(before)).find(
                (r) => r.msg === 'request' && r.requestId === requestId,
            );
            if (!requestLine) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(requestLine).toMatchObject({
            method: 'POST',
            route: `/api/v1.0/me/events/${demoIds.budgetReviewId}/cancel`,
            status: 202,
            cancellationId,
            ms: expect.any(Number),
        });

        const ofInvocation = jsonRecords(local.stack.hostOutput.slice(before)).filter(
            (r) => r.invocationId === requestLine!.invocationId,
        );
        expect(ofInvocation.length).toBeGreaterThanOrEqual(3);
        for (const record of ofInvocation) expect(record.requestId).toBe(requestId);

        const graphCalls = ofInvocation.filter((r) => r.msg === 'graph call');
        expect(graphCalls.map((r) => `${String(r.method)} ${String(r.status)}`)).toEqual(
            expect.arrayContaining(['GET 200', 'POST 202']),
        );
        for (const call of graphCalls) {
            expect(call.graphRequestId).toMatch(/\S/);
            expect(String(call.path)).not.toContain('?');
        }
        expect(ofInvocation.some((r) => r.cancellationId === cancellationId)).toBe(true);

        // Nothing the host printed, for this request or any other, holds a secret.
        const everything = local.stack.hostOutput.join('\n');
        expect(everything).not.toContain(token);
        expect(everything).not.toContain(token.split('.')[1]!);
        expect(everything).not.toContain('whsec_');
        expect(everything).not.toContain('local-emulator-only');
        expect(everything).not.toContain('AccountKey');
    });
});
