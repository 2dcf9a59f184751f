import { odata, type TableClient, type TableEntity, type TableEntityResult } from '@azure/data-tables';
import type { BeginResult, IdempotencyEntry, IdempotencyStore, StoredResponse } from '../../domain/idempotency/store';
import { entitySize, getText, putText } from './entityText';
import { EnsuredTable, getEntityOrNull, statusOf } from './tableClients';
import { escapeKeyPart } from './tableKeys';

/** `complete` found the claim taken over (its lock ran out and another request claimed the key). */
export class IdempotencyClaimLost extends Error {
    constructor(
        readonly scope: string,
        readonly key: string,
    ) {
        super('the idempotency claim was taken over by another request');
        this.name = 'IdempotencyClaimLost';
    }
}

export interface TableIdempotencyStoreOptions {
    /** How long an entry lives from its first claim, at least 24 h (the default). */
    readonly retentionMs?: number;
}

const day = 24 * 60 * 60 * 1000;
/** Rounds of create / read / take over before giving up when other requests keep changing the row. */
const maxRounds = 5;

type Entity = TableEntityResult<Record<string, unknown>>;

/**
 * {@link IdempotencyStore} on Azure Table Storage. PartitionKey = `s_<escaped scope>` (the caller), RowKey =
 * `k_<escaped key>`; properties `fingerprint`, `state` (`inFlight` | `completed`), `response` (JSON), `expiresAt` and
 * `lockedUntil` (ISO 8601). Every change after the first insert is conditional on the row's ETag.
 *
 * Tables have no TTL: expired rows stay until they are reused (a claim takes them over) or `purgeExpired` removes
 * them (the `purgeIdempotencyKeys` timer).
 */
export class TableIdempotencyStore implements IdempotencyStore {
    private readonly table: EnsuredTable;
    private readonly retentionMs: number;

    constructor(client: TableClient, options: TableIdempotencyStoreOptions = {}) {
        this.table = new EnsuredTable(client);
        this.retentionMs = Math.max(options.retentionMs ?? day, day);
    }

    async begin(scope: string, key: string, fingerprint: string, now: Date, lockMs: number): Promise<BeginResult> {
        const client = await this.table.get();
        const claim: TableEntity<Record<string, unknown>> = {
            ...keysOf(scope, key),
            fingerprint,
            state: 'inFlight',
            lockedUntil: new Date(now.getTime() + lockMs).toISOString(),
            expiresAt: new Date(now.getTime() + this.retentionMs).toISOString(),
        };
        for (let round = 0; round < maxRounds; round++) {
            try {
                const created = await client.createEntity(claim);
                return { claimed: true, etag: requireEtag(created.etag) };
            } catch (error) {
                if (statusOf(error) !== 409) throw error;
            }
            const existing = await getEntityOrNull(client, claim.partitionKey, claim.rowKey);
            if (existing === null) continue; // released or purged in between: try the insert again
            const entry = toEntry(existing);
            if (!canTakeOver(existing, entry, fingerprint, now)) return { claimed: false, entry };
            try {
                const updated = await client.updateEntity(claim, 'Replace', { etag: requireEtag(existing.etag) });
                return { claimed: true, etag: requireEtag(updated.etag) };
            } catch (error) {
                const status = statusOf(error);
                if (status !== 412 && status !== 404) throw error; // someone else moved first: look again
            }
        }
        throw new Error(`idempotency key kept changing under contention (${maxRounds} rounds)`);
    }

    async complete(scope: string, key: string, etag: string, response: StoredResponse, expiresAt: Date): Promise<void> {
        const client = await this.table.get();
        const patch: TableEntity<Record<string, unknown>> = {
            ...keysOf(scope, key),
            state: 'completed',
            expiresAt: expiresAt.toISOString(),
        };
        putText(patch, 'response', JSON.stringify(response));
        if (entitySize(patch) > 900_000) throw new Error('idempotent response too large to store');
        try {
            // Merge keeps `fingerprint` and `lockedUntil` from the claim.
            await client.updateEntity(patch, 'Merge', { etag });
        } catch (error) {
            const status = statusOf(error);
            if (status === 412 || status === 404) throw new IdempotencyClaimLost(scope, key);
            throw error;
        }
    }

    async release(scope: string, key: string, etag: string): Promise<void> {
        const client = await this.table.get();
        const { partitionKey, rowKey } = keysOf(scope, key);
        try {
            await client.deleteEntity(partitionKey, rowKey, { etag });
        } catch (error) {
            const status = statusOf(error);
            // 404: already gone; 412: another request took the claim over, which is now its to release.
            if (status === 404 || status === 412) return;
            throw error;
        }
    }

    /**
     * One filtered scan (ISO 8601 strings compare in time order); each delete carries the row's ETag, so an entry
     * claimed again in between (a new `expiresAt`) is left alone.
     */
    async purgeExpired(now: Date, limit: number): Promise<number> {
        const client = await this.table.get();
        const expired = client.listEntities<Record<string, unknown>>({
            queryOptions: { filter: odata`expiresAt lt ${now.toISOString()}`, select: ['PartitionKey', 'RowKey'] },
        });
        let deleted = 0;
        for await (const entity of expired) {
            if (deleted >= limit) break;
            const { partitionKey, rowKey, etag } = entity;
            if (partitionKey === undefined || rowKey === undefined) continue;
            try {
                await client.deleteEntity(partitionKey, rowKey, { etag: requireEtag(etag) });
                deleted++;
            } catch (error) {
                const status = statusOf(error);
                if (status !== 404 && status !== 412) throw error;
            }
        }
        return deleted;
    }
}

function keysOf(scope: string, key: string): { partitionKey: string; rowKey: string } {
    return { partitionKey: 's_' + escapeKeyPart(scope), rowKey: 'k_' + escapeKeyPart(key) };
}

/**
 * A completed, unexpired entry is never taken over. An expired entry always is. An in-flight entry is taken over
 * when its lock ran out, but only by a request with the same fingerprint: a different body under a key that is still
 * within its retention is reported back (the caller answers 422), as the Idempotency-Key draft asks.
 */
function canTakeOver(entity: Entity, entry: IdempotencyEntry, fingerprint: string, now: Date): boolean {
    const expiresAt = typeof entity.expiresAt === 'string' ? Date.parse(entity.expiresAt) : 0;
    if (!(expiresAt > now.getTime())) return true;
    if (entry.state === 'completed') return false;
    const lockedUntil = typeof entity.lockedUntil === 'string' ? Date.parse(entity.lockedUntil) : 0;
    return !(lockedUntil > now.getTime()) && entry.fingerprint === fingerprint;
}

function toEntry(entity: Entity): IdempotencyEntry {
    const fingerprint = typeof entity.fingerprint === 'string' ? entity.fingerprint : '';
    const response = getText(entity, 'response');
    if (entity.state === 'completed' && response !== undefined) {
        return { state: 'completed', fingerprint, response: JSON.parse(response) as StoredResponse };
    }
    return { state: 'inFlight', fingerprint };
}

function requireEtag(etag: string | undefined): string {
    if (!etag) throw new Error('storage returned no ETag');
    return etag;
}
