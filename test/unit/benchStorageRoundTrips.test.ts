import { roundTripsPerCancel, storageRequestPurpose } from '../../bench/gateway/storageRoundTrips';

const record = (fields: string): string => `{"entityType":"record",${fields}}`;

describe('bench:gateway names each Storage round trip of a cancel', () => {
    it('names the cancel path by the guarantee that needs it', () => {
        const purpose = (service: 'table' | 'queue', method: string, path: string, body = ''): string =>
            storageRequestPurpose(service, method, path, body);
        expect(purpose('table', 'GET', "/devstoreaccount1/cancellations(PartitionKey='t_1',RowKey='res_x')")).toBe(
            'read the existing record (idempotency)',
        );
        expect(
            purpose(
                'table',
                'POST',
                '/devstoreaccount1/$batch',
                record('"state":"pending"') + '{"entityType":"resourceIndex"}',
            ),
        ).toMatch(/^write record \+ pointer before Graph/);
        expect(
            purpose(
                'table',
                'POST',
                '/devstoreaccount1/$batch',
                record('"state":"accepted","notificationPending":true'),
            ),
        ).toMatch(/^save outcome \+ notification flag before the answer/);
        expect(
            purpose(
                'table',
                'POST',
                '/devstoreaccount1/$batch',
                record('"state":"accepted","notificationPending":false'),
            ),
        ).toBe('clear the notification flag (outbox)');
        expect(
            purpose(
                'table',
                'PUT',
                "/devstoreaccount1/cancellations(PartitionKey='t_1',RowKey='rec_1')",
                record('"notificationPending":false'),
            ),
        ).toBe('clear the notification flag (outbox)');
        expect(purpose('queue', 'POST', '/devstoreaccount1/notifications/messages')).toBe(
            'queue the notification (outbox)',
        );
    });

    it('names other requests by method and resource', () => {
        expect(
            storageRequestPurpose('queue', 'GET', '/devstoreaccount1/notifications/messages?numofmessages=16', ''),
        ).toBe('queue GET notifications');
        expect(
            storageRequestPurpose('queue', 'DELETE', '/devstoreaccount1/notifications/messages/abc?popreceipt=x', ''),
        ).toBe('queue DELETE notifications message');
        expect(storageRequestPurpose('table', 'GET', '/devstoreaccount1/subscriptions()?$filter=x', '')).toBe(
            'table GET subscriptions query',
        );
    });

    it('counts per cancel between two snapshots, most frequent first, leaving out what did not happen', () => {
        const before = new Map([
            ['a', 2],
            ['b', 5],
        ]);
        const after = new Map([
            ['a', 12],
            ['b', 5],
            ['c', 30],
        ]);
        expect(roundTripsPerCancel(before, after, 10)).toEqual([
            ['c', 3],
            ['a', 1],
        ]);
    });
});
