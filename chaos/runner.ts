import { ensureDevTls } from '../dev/tls/devCa';
import { type ChaosSubscription, checkRun } from './checks';
import { faultHits, injectGraphFaults, performedCancellations } from './emulatorViews';
import { chaosTenant } from './fixture';
import { adminRoles, cancelRoles, gatewayAdmin, tokenSource } from './gatewayClient';
import { killSchedule } from './killSchedule';
import type { ChaosOptions } from './options';
import { seededRandom } from './random';
import { startChaosReceiver } from './receiver';
import type { ChaosFigures } from './report';
import { settle } from './settle';
import { startChaosStack } from './stack';
import { poisonMessages } from './storageViews';
import { emptyWorkloadStats, runWorkload } from './workload';

const graphRetryAfterSeconds = 1;
/** Two subscriptions with different interests: one wants everything, the other the cancellations and verifications. */
const subscriptionPlans = [
    {
        name: 'all',
        eventTypes: [
            'event.cancelled',
            'bookingAppointment.cancelled',
            'cancellation.verified',
            'cancellation.drifted',
            'cancellation.failed',
        ],
    },
    {
        name: 'cancelled-and-verified',
        eventTypes: ['event.cancelled', 'bookingAppointment.cancelled', 'cancellation.verified'],
    },
] as const;

/**
 * One chaos run: its own Azurite, the Graph emulator seeded with one item per cancellation and injecting faults, the
 * local host as a child process that is SIGKILLed and restarted, a failing webhook receiver; the workload, then
 * reconciliation until settled, then the checks. Always stops what it started.
 */
export async function runChaos(
    options: ChaosOptions,
    progress: (line: string) => void = () => {},
): Promise<ChaosFigures> {
    const wallStarted = Date.now();
    const random = seededRandom(options.seed);
    ensureDevTls();
    const tenant = chaosTenant(options.cancellations, options.mailboxes, random);
    const cleanups: Array<() => Promise<void>> = [];
    try {
        const { azurite, emulator, host, hostLog } = await startChaosStack({
            name: 'chaos',
            fixture: tenant.fixture,
            verbose: options.verbose,
            cleanups,
        });
        const receiver = await startChaosReceiver(options.receiverFailRate, seededRandom(options.seed + 1));
        cleanups.push(() => receiver.close());
        progress(`stack up: gateway ${host.url}, emulator ${emulator.url}; host log ${hostLog}`);

        const token = tokenSource(emulator.tlsUrl);
        const admin = gatewayAdmin(host.url, () => token(adminRoles));
        const subscriptions: ChaosSubscription[] = [];
        for (const plan of subscriptionPlans) {
            const created = await admin.subscribe(receiver.urlFor(plan.name), plan.eventTypes);
            receiver.trust(plan.name, created.secret);
            subscriptions.push({ name: plan.name, id: created.id, eventTypes: plan.eventTypes });
        }
        await injectGraphFaults(emulator.url, options.faultRate, graphRetryAfterSeconds, options.seed);

        const kills = killSchedule(host, options.kills, tenant.targets.length, random);
        const stats = emptyWorkloadStats();
        const workloadStarted = Date.now();
        const reportEvery = Math.max(1, Math.floor(tenant.targets.length / 10));
        await runWorkload({
            gatewayUrl: host.url,
            targets: tenant.targets,
            concurrency: options.concurrency,
            token: () => token(cancelRoles),
            random,
            stats,
            onProgress: (done) => {
                kills.onProgress(done);
                if (done % reportEvery === 0) progress(`${done}/${tenant.targets.length} cancellations answered`);
            },
        });
        await kills.finished();
        const workloadMs = Date.now() - workloadStarted;
        if (kills.errors.length > 0) throw new Error(`the host did not come back: ${kills.errors.join('; ')}`);
        progress(`workload done in ${(workloadMs / 1000).toFixed(1)} s; settling`);

        const settled = await settle(admin, azurite.connectionString, options.settleTimeoutMs);
        const graphFaults = await faultHits(emulator.url);
        const poison = await poisonMessages(azurite.connectionString);
        const checks = checkRun({
            targets: tenant.targets,
            performed: await performedCancellations(emulator.url, tenant.mailboxes, tenant.businesses),
            records: await admin.records(),
            subscriptions,
            accepted: receiver.accepted,
            rejectedDeliveries: receiver.rejected,
            failedDeliveries: await admin.deliveries('failed'),
            poison: poison.messages,
            parkedNotifications: await admin.parkedNotifications(),
            workload: stats,
        });
        if (!settled.settled)
            checks.violations.unshift(`did not settle within ${options.settleTimeoutMs / 1000} s: ${settled.lastBusy}`);
        if (checks.violations.length > 0) progress(`host output, last lines:\n${host.tail(40).join('\n')}`);
        return {
            options,
            events: tenant.targets.filter((t) => t.kind === 'event').length,
            bookings: tenant.targets.filter((t) => t.kind === 'bookingAppointment').length,
            mailboxes: tenant.mailboxes.length,
            kills: host.kills,
            hostStarts: host.starts,
            workloadMs,
            workload: stats,
            graphFaults,
            receiverFailedOnPurpose: receiver.failedOnPurpose,
            settle: settled,
            poisonTotal: poison.total,
            checks,
            wallMs: Date.now() - wallStarted,
            hostLog,
        };
    } finally {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    }
}
