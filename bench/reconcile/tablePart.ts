import { performance } from 'node:perf_hooks';
import { TableClient } from '@azure/data-tables';
import { freePort, startAzurite } from '../../dev/azurite';
import { cancellationStoreOn, reconcilePageSize } from '../../src/composition/services';
import type { CancellationStore } from '../../src/domain/cancellation/store';
import type { BenchArgs } from './args';
import { stopOnInterrupt } from './cleanup';
import { count, ratio, seconds } from './format';
import { countReads, type ReadCounter } from './tableReads';
import { benchNow, benchTenantId, dueRecords, forEachIndex, seedHistory } from './tableRecords';

/** The reconciler's page size, as the app composes it. */
const pageSize = reconcilePageSize;
/** `listDue` calls per measurement: entities read must be the same every time; the median time is shown. */
const repeats = 3;

export interface ListDueMeasurement {
    readonly history: number;
    readonly returned: number;
    readonly entities: number;
    readonly requests: number;
    readonly medianMs: number;
}

export interface TableResult {
    readonly due: number;
    readonly empty: ListDueMeasurement;
    readonly full: ListDueMeasurement;
}

async function distinctFreePorts(n: number): Promise<number[]> {
    const ports = new Set<number>();
    for (let attempt = 0; ports.size < n && attempt < 50; attempt++) ports.add(await freePort());
    if (ports.size < n) throw new Error('could not find free ports for Azurite');
    return [...ports];
}

async function measure(
    store: CancellationStore,
    reads: ReadCounter,
    history: number,
    due: number,
): Promise<ListDueMeasurement> {
    const times: number[] = [];
    let first: { returned: number; entities: number; requests: number } | undefined;
    for (let i = 0; i < repeats; i++) {
        reads.reset();
        const t0 = performance.now();
        const found = await store.listDue(benchTenantId, benchNow, pageSize);
        times.push(performance.now() - t0);
        const seen = { returned: found.length, entities: reads.entities, requests: reads.requests };
        if (found.length !== due || found.some((s, k) => s.value.id !== `due-${k}`)) {
            throw new Error(`listDue returned ${found.length} records, not the ${due} due ones in order`);
        }
        if (first !== undefined && (first.entities !== seen.entities || first.requests !== seen.requests)) {
            throw new Error(`listDue read ${seen.entities} entities, ${first.entities} the first time`);
        }
        first ??= seen;
    }
    times.sort((a, b) => a - b);
    return { history, ...first!, medianMs: times[Math.floor(times.length / 2)]! };
}

function describe(m: ListDueMeasurement): string {
    return (
        `listDue with ${count(m.history)} history records: ${count(m.returned)} due returned, ` +
        `${count(m.entities)} entities read in ${count(m.requests)} GETs, ${(m.medianMs / 1000).toFixed(3)} s ` +
        `(median of ${repeats}; Azurite's own query speed, not the service's)`
    );
}

export async function runTablePart(args: BenchArgs, log: (line: string) => void): Promise<TableResult> {
    const [blob, queue, table] = await distinctFreePorts(3);
    const azurite = await startAzurite({ blobPort: blob!, queuePort: queue!, tablePort: table! });
    const unregister = stopOnInterrupt(() => azurite.stop());
    try {
        log(`table: Azurite (in memory) on 127.0.0.1:${table}`);
        const tableName = 'cancellations';
        // Azurite speaks plain http on loopback, which the Tables SDK refuses unless told.
        const tableClient = () =>
            TableClient.fromConnectionString(azurite.connectionString, tableName, { allowInsecureConnection: true });
        const client = tableClient();
        const reads = countReads(client);
        // The store as the app composes it, on a client whose reads are counted.
        const store = cancellationStoreOn(client);

        const due = dueRecords(args.due);
        await forEachIndex(due.length, 8, (i) => store.create(due[i]!));
        log(`table: ${count(due.length)} due records written with the cancellation store's create`);
        const empty = await measure(store, reads, 0, due.length);
        log(describe(empty));

        // Azurite keeps a table in one LokiJS collection indexed by PartitionKey: with one partition per tenant every
        // insert scans the partition, so seeding slows down as it grows (roughly quadratic; ~60,000 rows in 500 s on
        // a 2-core machine). The service itself is not measured here, only what listDue reads.
        const t0 = performance.now();
        let nextReport = 10_000;
        await seedHistory(store, tableClient(), args.history, (written) => {
            if (written >= nextReport) {
                log(`table: ${count(written)} history records written (${seconds(performance.now() - t0)})`);
                nextReport += 10_000;
            }
        });
        log(
            `table: ${count(args.history)} history records (verified, no nextCheckAt) written as copies of the ` +
                `record row the store wrote for one, 100 per transaction, in ${seconds(performance.now() - t0)}`,
        );
        const full = await measure(store, reads, args.history, due.length);
        log(describe(full));
        return { due: due.length, empty, full };
    } finally {
        unregister();
        await azurite.stop();
    }
}

/** The figures line: entities `listDue` read without and with history. */
export function tableSummary(result: TableResult): string {
    return (
        `listDue entities read: ${count(result.empty.entities)} with 0 history, ${count(result.full.entities)} ` +
        `with ${count(result.full.history)} history (ratio ${ratio(result.full.entities, result.empty.entities)}; ` +
        `${count(result.due)} due)`
    );
}
