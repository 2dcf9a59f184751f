import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import { ensureDevTls } from '../../dev/tls/devCa';
import { GraphBulkCalendar } from '../../src/adapters/graph/graphBulkCalendar';
import { GraphClient } from '../../src/adapters/graph/graphClient';

/** A real HTTPS server standing in for Graph, answering from a script and recording what it received. */
async function scriptedGraph(replies: Array<{ status: number; body?: unknown }>) {
    const received: Array<{ method?: string; url: string; body: string }> = [];
    const { certPem, keyPem } = ensureDevTls();
    const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
            received.push({ method: req.method, url: req.url ?? '', body });
            const reply = replies.shift() ?? { status: 500 };
            res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': `rid-${received.length}` });
            res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: 0 }) };
    const calendar = new GraphBulkCalendar(
        new GraphClient({ baseUrl: `https://localhost:${port}`, credential, timeoutMs: 2_000, retryDeadlineMs: 0 }),
    );
    const close = () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
    };
    return { calendar, received, close };
}

const wireEvent = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    subject: `S ${id}`,
    start: { dateTime: '2026-12-02T09:00:00.0000000', timeZone: 'UTC' },
    end: { dateTime: '2026-12-02T09:30:00.0000000', timeZone: 'UTC' },
    type: 'singleInstance',
    isOrganizer: true,
    isCancelled: false,
    attendees: [
        { type: 'required', emailAddress: { address: 'a@contoso.test' } },
        { type: 'resource', emailAddress: { address: 'room@contoso.test' } },
    ],
    categories: ['Customer'],
    ...extra,
});

describe('GraphBulkCalendar (Graph over HTTPS)', () => {
    it('reads every page of the calendar view, following nextLink only to the configured Graph, with $select', async () => {
        const graph = await scriptedGraph([
            {
                status: 200,
                body: {
                    value: [wireEvent('A')],
                    '@odata.nextLink':
                        'https://graph.microsoft.com/v1.0/users/u%401/calendarView?startDateTime=x&$skip=250',
                },
            },
            { status: 200, body: { value: [wireEvent('B', { type: 'occurrence', seriesMasterId: 'M' })] } },
        ]);
        try {
            const items = await graph.calendar.calendarView('u@1', {
                start: '2026-12-01T00:00:00.000Z',
                end: '2027-01-01T00:00:00.000Z',
            });
            expect(items).toEqual([
                expect.objectContaining({
                    id: 'A',
                    attendees: 2,
                    categories: ['Customer'],
                    start: '2026-12-02T09:00:00.000Z',
                }),
                expect.objectContaining({ id: 'B', type: 'occurrence', seriesMasterId: 'M' }),
            ]);
            const first = new URL(graph.received[0]!.url, 'https://x');
            expect(first.pathname).toBe('/v1.0/users/u%401/calendarView');
            expect(Object.fromEntries(first.searchParams)).toMatchObject({
                startDateTime: '2026-12-01T00:00:00.000Z',
                endDateTime: '2027-01-01T00:00:00.000Z',
                $select: 'id,subject,start,end,type,seriesMasterId,isOrganizer,isCancelled,attendees,categories',
                $top: '250',
            });
            const second = new URL(graph.received[1]!.url, 'https://x');
            expect(second.pathname).toBe('/v1.0/users/u%401/calendarView');
            expect(second.searchParams.get('$skip')).toBe('250');
        } finally {
            await graph.close();
        }
    });

    it('reads a series master with its recurrence, declines with the comment, ends a series by date', async () => {
        const recurrence = {
            pattern: { type: 'weekly', interval: 1, daysOfWeek: ['wednesday'] },
            range: { type: 'numbered', startDate: '2026-01-07', numberOfOccurrences: 52, recurrenceTimeZone: 'UTC' },
        };
        const graph = await scriptedGraph([
            { status: 200, body: wireEvent('M', { type: 'seriesMaster', recurrence }) },
            { status: 202 },
            { status: 200, body: wireEvent('M') },
        ]);
        try {
            const master = await graph.calendar.getSeriesMaster('u1', 'M');
            expect(master).toMatchObject({ id: 'M', rangeStartDate: '2026-01-07' });
            await graph.calendar.decline('u1', 'INV', 'Dana has left.');
            await graph.calendar.endSeries('u1', master, '2026-11-30');

            expect(graph.received.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
                'GET /v1.0/users/u1/events/M',
                'POST /v1.0/users/u1/events/INV/decline',
                'PATCH /v1.0/users/u1/events/M',
            ]);
            expect(JSON.parse(graph.received[1]!.body)).toEqual({ comment: 'Dana has left.', sendResponse: true });
            expect(JSON.parse(graph.received[2]!.body)).toEqual({
                recurrence: {
                    pattern: recurrence.pattern,
                    range: {
                        type: 'endDate',
                        startDate: '2026-01-07',
                        endDate: '2026-11-30',
                        recurrenceTimeZone: 'UTC',
                    },
                },
            });
        } finally {
            await graph.close();
        }
    });
});
