import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { freePort } from '../../dev/azurite';
import { devTenant } from '../../dev/identity/devTenant';
import { feedSubscriptionStoreOn, graphSubscriptionsTable } from '../../src/composition/feedServices';
import { graphChangesQueueName } from '../../src/domain/feed/queueNames';
import { clearRequestLog, requestLog, resetEmulator, setGraphLatency } from '../gateway/emulator';
import { quantile } from '../gateway/figures';
import { benchUsers, eventId, type Phase, phaseFixture } from '../gateway/mailboxes';
import { startBenchStack } from '../gateway/stack';
import { describeMachine } from '../reconcile/machine';
import { cancelInOutlook, countOutlookRecords } from './records';
import { changeNotification, notificationsPerPost, sendBurst, watchedTargets, type WatchedTarget } from './burst';

const usage = `Burst of Graph change notifications at the feed's intake (POST /api/graph/notifications).

  npm run bench:feed -- [--mailboxes 100] [--notifications 5000] [--meetings 200] [--concurrency 10]

The local stack (Azurite, Graph emulator, host) watches --mailboxes seeded users; once every mailbox has its Graph
subscription, the --meetings meetings are cancelled in Outlook (emulator admin action, its own notifications
dropped), then --notifications change notifications for them (so several per meeting) are POSTed as Graph does:
per subscription, at most 100 per POST, --concurrency POSTs at a time. Reports the answer times, how long until every
meeting has its one outlook record, and the Graph reads the gateway made (emulator request log) per notification.
`;

const p99GoalMs = 3_000;
const subscribeTimeoutMs = 10 * 60_000;
const drainTimeoutMs = 5 * 60_000;
const pollMs = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function options() {
    const { values } = parseArgs({
        options: {
            mailboxes: { type: 'string', default: '100' },
            notifications: { type: 'string', default: '5000' },
            meetings: { type: 'string', default: '200' },
            concurrency: { type: 'string', default: '10' },
            help: { type: 'boolean', short: 'h' },
        },
    });
    if (values.help) {
        process.stdout.write(usage);
        process.exit(0);
    }
    const positive = (name: keyof typeof values): number => {
        const n = Number(values[name]);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
        return n;
    };
    return {
        mailboxes: positive('mailboxes'),
        notifications: positive('notifications'),
        meetings: positive('meetings'),
        concurrency: positive('concurrency'),
    };
}

async function emulatorFaults(emulatorUrl: string, faults: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${emulatorUrl}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        // Outlook's per-mailbox concurrency stays off (as setGraphLatency leaves it): its 429s are Graph's limits.
        body: JSON.stringify({ rules: [], mailboxConcurrency: { enabled: false, limit: 4 }, ...faults }),
    });
    if (!response.ok) throw new Error(`emulator PUT /faults: HTTP ${response.status}`);
}

/** Polls `probe` until it gives a value, at most `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
        await sleep(pollMs);
    }
}

const line = (figure: string, goal: string, measured: string, met: boolean | undefined): string =>
    `${figure.padEnd(34)} ${goal.padEnd(22)} ${measured.padEnd(34)} ${met === undefined ? 'n/a' : met ? 'met' : 'NOT met'}`;

async function main(): Promise<void> {
    const opts = options();
    const upns = Array.from({ length: opts.mailboxes }, (_, m) => `bench${m}@${devTenant.domain}`);
    const httpsPort = await freePort();
    const stack = await startBenchStack(undefined, undefined, {
        FUNCTIONS_HTTPS_PORT: String(httpsPort),
        FEED_NOTIFICATION_BASE_URL: `https://localhost:${httpsPort}`,
        FEED_RENEWAL_SCHEDULE: '*/5 * * * * *',
        TENANT_POLICY: JSON.stringify({ watch: { mailboxes: upns } }),
    });
    try {
        const users = benchUsers(opts.mailboxes, stack.emulatorTlsUrl);
        const phase: Phase = { tag: 'feed', count: opts.meetings };
        await resetEmulator(stack.emulatorUrl, phaseFixture(users, [phase]));
        await setGraphLatency(stack.emulatorUrl, 0);

        const store = feedSubscriptionStoreOn(
            TableClient.fromConnectionString(stack.storageConnectionString, graphSubscriptionsTable, {
                allowInsecureConnection: true,
            }),
        );
        const subscribeStarted = performance.now();
        const targets = await waitFor(
            `subscriptions on all ${opts.mailboxes} mailboxes`,
            async () => {
                const found = watchedTargets((await store.listMailboxes()).map((row) => row.value));
                return found.length >= opts.mailboxes ? found : undefined;
            },
            subscribeTimeoutMs,
        );
        const subscribeMs = performance.now() - subscribeStarted;
        const byMailbox = new Map<string, WatchedTarget>(targets.map((t) => [t.mailbox.toLowerCase(), t]));

        // The meetings are cancelled in Outlook with the emulator's own notifications dropped: the burst below is
        // then the only news the gateway gets of them.
        await emulatorFaults(stack.emulatorUrl, { dropNotifications: 'all' });
        const meetings = Array.from({ length: opts.meetings }, (_, k) => ({
            organizer: users[k % users.length]!.upn,
            eventId: eventId(phase, k),
        }));
        const immutableIds = await cancelInOutlook(stack.emulatorUrl, meetings, opts.concurrency);

        // Notification i is about meeting i % meetings, organised by mailbox (i % meetings) % mailboxes.
        const perSubscription = new Map<string, Record<string, unknown>[]>();
        for (let i = 0; i < opts.notifications; i++) {
            const meeting = i % opts.meetings;
            const user = users[meeting % users.length]!;
            const target = byMailbox.get(user.id.toLowerCase()) ?? byMailbox.get(user.upn.toLowerCase());
            if (target === undefined) throw new Error(`no subscription stored for ${user.upn}`);
            const list = perSubscription.get(target.subscriptionId) ?? [];
            list.push(changeNotification(target, immutableIds[meeting]!));
            perSubscription.set(target.subscriptionId, list);
        }
        const batches = [...perSubscription.values()].flatMap((list) =>
            Array.from({ length: Math.ceil(list.length / notificationsPerPost) }, (_, b) =>
                list.slice(b * notificationsPerPost, (b + 1) * notificationsPerPost),
            ),
        );

        const queue = new QueueClient(stack.storageConnectionString, graphChangesQueueName);
        await queue.createIfNotExists();
        await clearRequestLog(stack.emulatorUrl);
        const burst = await sendBurst(`${stack.gatewayUrl}/api/graph/notifications`, batches, opts.concurrency);
        const burstEnded = performance.now();
        const burstStarted = burstEnded - burst.wallMs;
        const recordsMs = await waitFor(
            `${opts.meetings} outlook records`,
            async () =>
                (await countOutlookRecords(stack.gatewayUrl, stack.emulatorTlsUrl)) >= opts.meetings
                    ? performance.now() - burstStarted
                    : undefined,
            drainTimeoutMs,
        );
        const drainedMs = await waitFor(
            'graph-changes to drain',
            async () =>
                ((await queue.getProperties()).approximateMessagesCount ?? 0) === 0
                    ? performance.now() - burstStarted
                    : undefined,
            drainTimeoutMs,
        );
        const records = await countOutlookRecords(stack.gatewayUrl, stack.emulatorTlsUrl);
        const graphCalls = (await requestLog(stack.emulatorUrl)).filter((c) => c.appId !== null && !c.inBatch);
        const graphReads = graphCalls.filter((c) => c.method === 'GET').length;

        const p50 = quantile(burst.latenciesMs, 0.5);
        const p99 = quantile(burst.latenciesMs, 0.99);
        const max = quantile(burst.latenciesMs, 1);
        const load = os.loadavg();
        const out = [
            `bench:feed: ${opts.notifications} change notifications for ${opts.meetings} meetings in ` +
                `${opts.mailboxes} watched mailboxes, ${burst.posts} POSTs (≤ ${notificationsPerPost} each), ` +
                `concurrency ${opts.concurrency}`,
            describeMachine(),
            `load average at the end (1, 5, 15 min): ${load.map((l) => l.toFixed(2)).join(', ')} ` +
                `on ${os.availableParallelism()} cores: figures under load are noisy`,
            `subscribing ${opts.mailboxes} mailboxes (handshakes, delta baselines) took ${(subscribeMs / 1000).toFixed(1)} s`,
            '',
            line('figure', 'goal', 'measured', undefined).replace(/n\/a$/, 'met'),
            line(
                'answer time p99 (per POST)',
                `< ${p99GoalMs} ms`,
                `${p99.toFixed(0)} ms (p50 ${p50.toFixed(0)}, max ${max.toFixed(0)})`,
                p99 < p99GoalMs,
            ),
            line('answers 202', `${burst.posts}`, `${burst.posts - burst.notStatus202}`, burst.notStatus202 === 0),
            line(
                'burst answered',
                'reported',
                `${(burst.wallMs / 1000).toFixed(1)} s (${((opts.notifications / burst.wallMs) * 1000).toFixed(0)} notifications/s)`,
                undefined,
            ),
            line(
                'all records exist',
                'reported',
                `${(recordsMs / 1000).toFixed(1)} s after the burst began`,
                undefined,
            ),
            line(
                'records per second',
                'reported',
                `${((opts.meetings / recordsMs) * 1000).toFixed(1)} (${((opts.notifications / recordsMs) * 1000).toFixed(0)} notifications/s classified)`,
                undefined,
            ),
            line(
                'graph-changes drained',
                'reported',
                `${(drainedMs / 1000).toFixed(1)} s after the burst began`,
                undefined,
            ),
            line(
                'Graph reads per notification',
                'reported',
                `${(graphReads / opts.notifications).toFixed(3)} (${graphReads} GETs)`,
                undefined,
            ),
            line('one record per meeting', `${opts.meetings} records`, `${records} records`, records === opts.meetings),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
    } catch (error) {
        process.stderr.write(`host output (tail):\n${stack.hostOutput()}\n`);
        throw error;
    } finally {
        await stack.stop();
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
