import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import type { ReconcileSummary } from '../../src/domain/reconciliation/reconciler';
import { postReconcile, useLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice] = devTenant.users;
const adminApp = 'ca9ce1a7-0000-4000-8000-0000000000d4';

/**
 * Reconciliation on the local stack. Everything is due at once (no grace, no verify delay) and a pass is run on
 * demand with `POST /api/reconcile`, the operator's button, which runs the same pass as the timer.
 */
describe('reconciliation (POST /api/reconcile and the timer pass)', () => {
    const local = useLocalStack({
        CANCEL_PENDING_GRACE_SECONDS: '0',
        CANCEL_VERIFY_DELAY_SECONDS: '0',
        GRAPH_TIMEOUT_MS: '1500',
        GRAPH_RETRY_DEADLINE_MS: '2000',
    });

    const adminToken = () =>
        local.stack.token({ app: adminApp, roles: ['Cancellations.Admin', 'Subscriptions.ReadWrite.All'] });
    const reconcileNow = async (): Promise<ReconcileSummary> => {
        const response = await postReconcile(local.stack, adminToken());
        expect(response.status).toBe(200);
        return (await response.json()) as ReconcileSummary;
    };
    const records = async () => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${adminToken()}` },
        });
        return (
            (await response.json()) as { value: Array<{ id: string; state: string; resource: { eventId?: string } }> }
        ).value;
    };
    const post = (path: string, body: unknown, token: string) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        });
    const aliceToken = () =>
        local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite', 'Bookings.ReadWrite.All'] });
    const cancelCalls = async (id: string) =>
        (await local.admin.calls()).filter((c) => c.startsWith('POST') && c.includes(id) && c.endsWith('/cancel'));

    it('finishes a cancellation whose Graph answer was lost (crash window) and announces it exactly once', async () => {
        // A webhook subscriber counts the announcements.
        const received: string[] = [];
        const server = http.createServer((req, res) => {
            let body = '';
            req.on('data', (c: Buffer) => (body += c.toString()));
            req.on('end', () => {
                received.push((JSON.parse(body) as { type: string }).type);
                res.writeHead(204).end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
            const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
            expect(
                (
                    await post(
                        'subscriptions',
                        { notificationUrl: hook, eventTypes: ['event.cancelled', 'cancellation.verified'] },
                        adminToken(),
                    )
                ).status,
            ).toBe(201);

            // Graph performs the cancel but answers after the gateway stopped waiting: the 202 is lost.
            await local.admin.setFaults([{ path: '/users', method: 'POST', hold: true }]);
            const lost = await post(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`, {}, aliceToken());
            expect(lost.status).toBe(504);
            await local.admin.setFaults([]); // lets the held cancel go on
            await until('Graph to finish the held cancel', async () =>
                (await local.admin.requests()).find(
                    (r) => r.method === 'POST' && r.path.split('?')[0]!.endsWith('/cancel') && r.status === 202,
                ),
            );
            expect((await records())[0]).toMatchObject({ state: 'pending' });

            const first = await reconcileNow();
            expect(first).toMatchObject({ finished: 1 });
            expect((await records())[0]).toMatchObject({ state: 'accepted' });
            expect(await cancelCalls(demoIds.budgetReviewId)).toHaveLength(1);

            const second = await reconcileNow();
            expect(second).toMatchObject({ verified: 1 });
            expect((await records())[0]).toMatchObject({ state: 'verified' });

            await until('both announcements', () => Promise.resolve(received.length >= 2 ? true : undefined));
            await new Promise((r) => setTimeout(r, 2_500));
            expect(received.sort()).toEqual(['cancellation.verified', 'event.cancelled']);
        } finally {
            server.close();
        }
    }, 60_000);

    // A meeting restored from Deleted Items after its cancel: test/e2e/restoredMeeting.test.ts.

    it('re-cancels a booking that still exists after an uncertain first attempt', async () => {
        await local.admin.setFaults([{ path: '/solutions', method: 'POST', status: 503, retryAfterSeconds: 30 }]);
        const path = `v1.0/solutions/bookingBusinesses/${demoIds.businessId}/appointments/${demoIds.lunchAppointmentId}/cancel`;
        expect((await post(path, { cancellationMessage: 'Closed' }, aliceToken())).status).toBe(503);
        await local.admin.setFaults([]);
        expect((await records())[0]).toMatchObject({ state: 'pending' });
        expect(await reconcileNow()).toMatchObject({ finished: 1 });
        const appointment = (await local.admin.appointments(demoIds.businessId)).find(
            (a) => a.id === demoIds.lunchAppointmentId,
        );
        expect(appointment).toMatchObject({ isCancelled: true, cancellationMessage: 'Closed' });
    }, 30_000);

    it('verifies through per-item 429s inside $batch, resending no sooner than Retry-After', async () => {
        for (const id of [demoIds.budgetReviewId, demoIds.kickoffId]) {
            expect((await post(`v1.0/me/events/${id}/cancel`, {}, aliceToken())).status).toBe(202);
        }
        await local.admin.setFaults([{ inBatch: 'only', status: 429, retryAfterSeconds: 1, count: 1 }]);
        const started = Date.now();
        const summary = await reconcileNow();
        expect(summary).toMatchObject({ verified: 2 });
        expect(summary.throttled).toBeGreaterThan(0);
        // A throttled item is resent no sooner than its Retry-After (1 s).
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
        expect((await records()).map((r) => r.state)).toEqual(['verified', 'verified']);
    }, 30_000);

    it('never repairs twice when two passes overlap', async () => {
        expect((await post(`v1.0/me/events/${demoIds.budgetReviewId}/cancel`, {}, aliceToken())).status).toBe(202);
        // Someone restores it from Deleted Items: the repair goes by its immutable id.
        const deleted = (await local.admin.events(alice.userPrincipalName)).find((e) =>
            e.previousIds.includes(demoIds.budgetReviewId),
        )!;
        await local.admin.restore(alice.userPrincipalName, deleted.immutableId);
        await local.admin.setFaults([{ path: '/users', method: 'POST', latencyMs: 300 }]);
        const [a, b] = await Promise.all([reconcileNow(), reconcileNow()]);
        expect(a.repaired + b.repaired).toBe(1);
        expect(await cancelCalls(deleted.immutableId)).toHaveLength(1);
    }, 30_000);

    it('refuses a caller without Cancellations.Admin', async () => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/reconcile`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${aliceToken()}` },
        });
        expect(response.status).toBe(403);
    });
});
