/**
 * bench:clients — what one request costs the gateway's own process in each HTTP client a cancel uses, against the
 * same request through a bare `node:http(s)` request on a keep-alive agent (issue 19, goal 2: where a cancel's host CPU
 * goes). Storage: the Tables SDK (point read, insert, entity-group transactions of 1 and 7 inserts, as a cancel's
 * writes are) and the Queue SDK (a notification's send) on an in-memory Azurite. Graph: a cancel-shaped `POST` with a
 * bearer token over TLS, through the gateway's whole `GraphClient`, through Node's global `fetch` (undici, what the
 * Graph SDK's own `HTTPMessageHandler` calls) and through `https.request` (what the gateway's `NodeHttpMessageHandler`
 * calls instead), to a local server with the development certificate. Last, what a cancel's round trips cost in these
 * clients alone (`roundTripFloor`).
 *
 * The requests run one at a time in a child process (trusting the development CA), so its CPU time (user + system,
 * kernel loopback work included) is the client's alone; Azurite and the TLS server run elsewhere.
 * Run: `npm run bench:clients -- [--requests N]` (default 1,000 per client after 100 warm-up).
 */
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { graphClientOn } from '../../src/composition/services';
import { freePort, startAzurite } from '../../dev/azurite';
import { ensureDevTls } from '../../dev/tls/devCa';
import { describeMachine } from '../reconcile/machine';
import { wholeNumberArg } from '../wholeNumberArg';

const warmupRequests = 100;
const tableName = 'clientcosts';
/** A cancel's path below the version, and its body. */
const graphCancelPath = '/users/u/events/e/cancel';
const graphComment = { comment: 'The series ends' };
const graphBody = JSON.stringify(graphComment);
/** About the size of an Entra access token, as the Graph SDK sends it on every request. */
const bearer = `Bearer ${'e'.repeat(1_400)}`;
/** About the size of one notification on the queue (base64 JSON). */
const notificationText = Buffer.from(JSON.stringify({ schemaVersion: 1, pad: 'n'.repeat(200) })).toString('base64');

interface ChildPlan {
    readonly connectionString: string;
    /** Graph's origin (the local TLS server). */
    readonly graphBaseUrl: string;
    readonly tableUrl: string;
    readonly requests: number;
}

type Costs = Record<string, number>;

const entity = (rowKey: string) => ({
    partitionKey: 'p',
    rowKey,
    subject: 'Budget review'.padEnd(200, '.'),
    attempts: 1,
    notificationPending: true,
});

/** CPU ms per call of `send`, after a warm-up. */
async function cpuPerCall(requests: number, send: (i: number) => Promise<unknown>): Promise<number> {
    for (let i = 0; i < warmupRequests; i++) await send(-1 - i);
    const before = process.cpuUsage();
    for (let i = 0; i < requests; i++) await send(i);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / requests;
}

function bareRequest(url: string, init: { method: string; headers: http.OutgoingHttpHeaders; body?: string }) {
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? httpsAgent : httpAgent;
    return new Promise<void>((resolve, reject) => {
        const request = client.request(target, { method: init.method, headers: init.headers, agent }, (response) => {
            response.on('data', () => undefined);
            response.on('end', resolve);
        });
        request.on('error', reject);
        request.end(init.body);
    });
}
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgent = new https.Agent({ keepAlive: true });

async function measure(plan: ChildPlan): Promise<Costs> {
    const table = TableClient.fromConnectionString(plan.connectionString, tableName, { allowInsecureConnection: true });
    await table.createTable();
    const run = Date.now().toString(36);
    const key = (i: number) => `${run}-${i}`;
    const { requests } = plan;
    const graphHeaders = { authorization: bearer, 'content-type': 'application/json' };
    const graphUrl = `${plan.graphBaseUrl}/v1.0${graphCancelPath}`;
    const queue = new QueueClient(plan.connectionString, 'clientcosts');
    await queue.createIfNotExists();
    const graph = graphClientOn({
        baseUrl: plan.graphBaseUrl,
        credential: {
            getToken: () =>
                Promise.resolve({ token: bearer.slice('Bearer '.length), expiresOnTimestamp: Date.now() + 3_600_000 }),
        },
        timeoutMs: 10_000,
        retryDeadlineMs: 0,
    });
    return {
        'Tables SDK point read (404)': await cpuPerCall(requests, (i) =>
            table.getEntity('p', `missing-${key(i)}`).catch(() => undefined),
        ),
        'bare http.request GET, same URL': await cpuPerCall(requests, (i) =>
            bareRequest(`${plan.tableUrl}(PartitionKey='p',RowKey='missing-${key(i)}')`, {
                method: 'GET',
                headers: { accept: 'application/json;odata=nometadata', 'x-ms-version': '2019-02-02' },
            }),
        ),
        'Tables SDK insert': await cpuPerCall(requests, (i) => table.createEntity(entity(`one-${key(i)}`))),
        'Tables SDK transaction, 1 insert': await cpuPerCall(requests, (i) =>
            table.submitTransaction([['create', entity(`tx1-${key(i)}`)]]),
        ),
        'Tables SDK transaction, 7 inserts': await cpuPerCall(requests, (i) =>
            table.submitTransaction(
                Array.from({ length: 7 }, (_, row): TransactionAction => ['create', entity(`tx7-${key(i)}-${row}`)]),
            ),
        ),
        'Queue SDK send (a notification message)': await cpuPerCall(requests, () =>
            queue.sendMessage(notificationText),
        ),
        "the gateway's GraphClient POST over TLS (Graph SDK middleware, token, retry handler)": await cpuPerCall(
            requests,
            () =>
                graph.send({
                    method: 'POST',
                    version: 'v1.0',
                    path: graphCancelPath,
                    body: graphComment,
                }),
        ),
        'global fetch POST over TLS (undici; the Graph SDK default)': await cpuPerCall(requests, async () => {
            const response = await fetch(graphUrl, { method: 'POST', headers: graphHeaders, body: graphBody });
            await response.text();
        }),
        'https.request POST over TLS, keep-alive agent (the gateway)': await cpuPerCall(requests, () =>
            bareRequest(graphUrl, { method: 'POST', headers: graphHeaders, body: graphBody }),
        ),
    };
}

/**
 * Cancels whose notifications share one queue message at 8 connections (bench:gateway counts ~0.3 queue sends per
 * cancel there); the relay's send, its flag transaction and the fan-out's subscriptions query are shared as widely.
 */
const cancelsPerMessageAtC8 = 3.3;

/**
 * What the round trips a cancel needs (README, Guarantees) cost in these clients alone, at 8 connections: the record
 * and pointer before Graph (a transaction of ~7 rows), the outcome and flag before the answer (a transaction, here the
 * 1-row one, the cheaper), Graph's GET of the event and POST cancel (both through the GraphClient, as the POST), and
 * the shared notification (a queue send, a flag transaction, a subscriptions query, as a point read). The queue
 * trigger's own read and delete are left out: in production the Functions host makes them, not the worker.
 */
function roundTripFloor(costs: Costs): string {
    const cost = (name: string): number => costs[name] ?? Number.NaN;
    const transaction7 = cost('Tables SDK transaction, 7 inserts');
    const perCancel =
        transaction7 +
        cost('Tables SDK transaction, 1 insert') +
        2 * cost("the gateway's GraphClient POST over TLS (Graph SDK middleware, token, retry handler)") +
        (cost('Queue SDK send (a notification message)') + transaction7 + cost('Tables SDK point read (404)')) /
            cancelsPerMessageAtC8;
    return (
        `a cancel's round trips through these clients alone, at 8 connections: ${perCancel.toFixed(2)} ms ` +
        `(before the inbound request, the host and the gateway's own work; bench:gateway's goal is 8 ms for all of it)`
    );
}

async function runChild(plan: ChildPlan, caPath: string): Promise<Costs> {
    const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
            process.execPath,
            [__filename, '--child', JSON.stringify(plan)],
            { env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath } },
            (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        ),
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Costs;
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    if (argv[0] === '--child') {
        console.log(JSON.stringify(await measure(JSON.parse(argv[1] ?? '{}') as ChildPlan)));
        return;
    }
    const { values } = parseArgs({ args: argv, options: { requests: { type: 'string' } } });
    const requests = wholeNumberArg('requests', values.requests, 1_000, 1, 100_000);
    const tls = ensureDevTls();
    const azurite = await startAzurite({
        blobPort: await freePort(),
        queuePort: await freePort(),
        tablePort: await freePort(),
    });
    // A Graph-shaped answer (202, `request-id`), in this process: its CPU is not the client's.
    const graph = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (request, response) => {
        request.resume();
        request.on('end', () => {
            response.writeHead(202, { 'request-id': 'bench', 'content-length': '0' });
            response.end();
        });
    });
    await new Promise<void>((resolve) => graph.listen(0, '127.0.0.1', resolve));
    try {
        console.log(describeMachine());
        console.log(`bench:clients: ${requests} requests per client, one at a time, after ${warmupRequests} warm-up`);
        const costs = await runChild(
            {
                connectionString: azurite.connectionString,
                tableUrl: `http://127.0.0.1:${azurite.ports.table}/devstoreaccount1/${tableName}`,
                graphBaseUrl: `https://localhost:${(graph.address() as AddressInfo).port}`,
                requests,
            },
            tls.caPath,
        );
        const bareHttp = costs['bare http.request GET, same URL'] ?? Number.NaN;
        const bareHttps = costs['https.request POST over TLS, keep-alive agent (the gateway)'] ?? Number.NaN;
        console.log('--- figures (client CPU ms per request, user + system) ---');
        for (const [name, ms] of Object.entries(costs)) {
            const bare = name.includes('TLS') ? bareHttps : bareHttp;
            console.log(`${name}: ${ms.toFixed(3)} ms (${(ms / bare).toFixed(2)}x the bare request)`);
        }
        console.log(roundTripFloor(costs));
    } finally {
        graph.close();
        await azurite.stop();
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
