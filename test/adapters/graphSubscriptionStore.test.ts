import type { TableClient } from '@azure/data-tables';
import { TableGraphSubscriptionStore } from '../../src/adapters/tables/graphSubscriptionStore';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import type { WatchedMailbox } from '../../src/domain/feed/ports';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';

let client: TableClient;
let store: TableGraphSubscriptionStore;

beforeAll(() => {
    client = createTableClient(testStorageConnectionString(), uniqueName('graphsubscriptions'));
    store = new TableGraphSubscriptionStore(client);
});

afterAll(async () => {
    await client.deleteTable();
});

const row = (mailbox: string, overrides: Partial<WatchedMailbox> = {}): WatchedMailbox => ({
    mailbox,
    state: 'active',
    subscriptionId: `sub-${mailbox}`,
    clientState: `secret-${mailbox}`,
    expiresAt: '2026-12-07T09:00:00.000Z',
    updatedAt: '2026-12-04T09:00:00.000Z',
    ...overrides,
});

describe('TableGraphSubscriptionStore (Azurite)', () => {
    it('keeps a row per mailbox and finds its subscription by id, with the secret to compare', async () => {
        const saved = await store.saveMailbox(row('alice'), undefined);
        expect(saved.value).toEqual(row('alice'));
        expect((await store.getMailbox('ALICE'))?.value).toEqual(row('alice'));
        expect(await store.findSubscription('sub-alice')).toEqual({ mailbox: 'alice', clientState: 'secret-alice' });
        expect(await store.findSubscription('sub-nobody')).toBeNull();
        expect((await store.listMailboxes()).map((r) => r.value.mailbox)).toContain('alice');
    });

    it('a new subscription replaces the old one in the index in the same write; a stale ETag is a conflict', async () => {
        const first = await store.saveMailbox(row('bob'), undefined);
        const second = await store.saveMailbox(
            row('bob', { subscriptionId: 'sub-bob-2', clientState: 'secret-2', deltaLink: 'https://d' }),
            first.etag,
            'sub-bob',
        );
        expect(await store.findSubscription('sub-bob')).toBeNull();
        expect(await store.findSubscription('sub-bob-2')).toEqual({ mailbox: 'bob', clientState: 'secret-2' });
        expect((await store.getMailbox('bob'))?.value.deltaLink).toBe('https://d');

        await expect(store.saveMailbox(row('bob'), first.etag)).rejects.toBeInstanceOf(ConcurrencyConflict);
        await expect(store.saveMailbox(row('bob'), undefined)).rejects.toBeInstanceOf(ConcurrencyConflict);
        expect((await store.getMailbox('bob'))?.etag).toBe(second.etag);
    });

    it('removes the row and its index row; a stale ETag is a conflict and removes nothing', async () => {
        const saved = await store.saveMailbox(row('carol'), undefined);
        const renewed = await store.saveMailbox(row('carol', { expiresAt: '2026-12-08T00:00:00.000Z' }), saved.etag);
        await expect(store.removeMailbox(saved)).rejects.toBeInstanceOf(ConcurrencyConflict);
        expect(await store.findSubscription('sub-carol')).not.toBeNull();
        await store.removeMailbox(renewed);
        expect(await store.getMailbox('carol')).toBeNull();
        expect(await store.findSubscription('sub-carol')).toBeNull();
    });
});
