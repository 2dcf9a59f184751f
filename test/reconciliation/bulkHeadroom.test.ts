import { reconcileLookupOptions } from '../../src/composition/services';
import { writesInFlightPerJob } from '../../src/domain/bulk/runJob';
import {
    type BatchAnswer,
    type GraphBatchPort,
    graphItemsInFlightPerMailbox,
    type ItemLookup,
    lookupMany,
} from '../../src/domain/reconciliation/graphLookups';
import { until } from '../support/until';

/** Outlook's concurrent requests per app and mailbox (docs/graph.md). */
const outlookLimitPerMailbox = 4;
const mailbox = 'leaver@contoso.test';

function lookups(count: number): ItemLookup[] {
    return Array.from({ length: count }, (_, n) => ({
        id: `r${n}`,
        mailbox,
        version: 'v1.0' as const,
        target: {
            kind: 'event' as const,
            event: { version: 'v1.0' as const, graphPath: `/users/${mailbox}/events/e${n}` },
        },
    }));
}

/**
 * Graph at the batch port: a batch stays in flight until the test answers it, and while it is in flight Graph runs
 * min(items, 4) of its items against the mailbox at once (docs/graph.md §5), which is what the mailbox sees.
 */
function heldGraph() {
    const held: Array<{ items: number; answer: () => void }> = [];
    const sizes: number[] = [];
    const graph: GraphBatchPort = {
        async send(_version, requests): Promise<BatchAnswer> {
            sizes.push(requests.length);
            await new Promise<void>((answer) => held.push({ items: requests.length, answer }));
            return { responses: requests.map((r) => ({ id: r.id, status: 200, body: { id: r.id } })) };
        },
    };
    return {
        graph,
        sizes,
        /** Requests the mailbox has running for the batches in flight now. */
        runningOnMailbox: () =>
            held.reduce((sum, batch) => sum + Math.min(batch.items, graphItemsInFlightPerMailbox), 0),
        heldCount: () => held.length,
        answerOne: () => held.shift()?.answer(),
    };
}

describe('reconciliation beside a bulk job on the same mailbox (issue 17)', () => {
    it('leaves room for the job’s write: batch items running plus the write never exceed 4 per mailbox', async () => {
        const fake = heldGraph();
        const clock = { now: () => new Date(1_000_000) };
        const sleep = () => Promise.resolve();
        const run = lookupMany(
            lookups(10),
            { deadline: 2_000_000, ...reconcileLookupOptions },
            { graph: fake.graph, clock, sleep },
        );
        let most = 0;
        let answered = 0;
        while (answered < 4) {
            await until('a batch in flight', () => (fake.heldCount() > 0 ? true : undefined));
            // The job's one write is in flight the whole time: the worst case for the mailbox.
            most = Math.max(most, fake.runningOnMailbox() + writesInFlightPerJob);
            fake.answerOne();
            answered += 1;
        }
        const report = await run;

        expect(report.answers.size).toBe(10);
        expect(fake.sizes).toEqual([3, 3, 3, 1]);
        expect(most).toBe(outlookLimitPerMailbox);
    });
});
