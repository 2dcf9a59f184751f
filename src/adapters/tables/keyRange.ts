import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { BadRequestError } from '../../errors/appError';
import { invertedTime, odataString } from './tableKeys';

export type Entity = TableEntityResult<Record<string, unknown>>;

/** Table queries return at most 1,000 entities per page. */
export const maxServicePage = 1000;

/** Reads at most `max` rows of a key range, in key order, asking the service for no more than that. */
export async function readRange(client: TableClient, filter: string, max: number): Promise<Entity[]> {
    const rows: Entity[] = [];
    let continuationToken: string | undefined;
    do {
        const pages = client
            .listEntities<Record<string, unknown>>({ queryOptions: { filter } })
            .byPage({ maxPageSize: Math.min(max - rows.length, maxServicePage), continuationToken });
        const next = await pages.next();
        if (next.done === true) break;
        const page = next.value;
        rows.push(...page.slice(0, max - rows.length));
        continuationToken = page.continuationToken;
    } while (continuationToken !== undefined && rows.length < max);
    return rows;
}

export function etagOfEntity(entity: Entity): string {
    const etag = entity.etag;
    if (!etag) throw new Error(`entity ${entity.rowKey ?? ''} has no ETag`);
    return etag;
}

/** {@link invertedTime} of a caller's `since`, refused as a 400 when it is no instant. */
export function invertedTimeOf(since: string): string {
    try {
        return invertedTime(since);
    } catch (error) {
        throw new BadRequestError('invalidRequest', 'since must be an ISO 8601 instant.', error);
    }
}

/** Opaque page token: the last index RowKey returned, base64url JSON. */
export function encodeToken(rowKey: string): string {
    return Buffer.from(JSON.stringify({ v: 1, after: rowKey }), 'utf8').toString('base64url');
}

/** The RowKey a token names, if it lies in the listed range (`prefix`); a 400 otherwise. */
export function decodeToken(token: string, prefix: string): string {
    try {
        const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
        if (typeof parsed === 'object' && parsed !== null && 'after' in parsed) {
            const after = parsed.after;
            if (typeof after === 'string' && after.startsWith(prefix) && after.length < 1024) return after;
        }
    } catch {
        // fall through
    }
    throw new BadRequestError('invalidRequest', 'The continuation token is invalid for this query.');
}

/** Upper bound for key suffixes: every escaped or generated part sorts below `~`. */
export const high = '~';

export interface IndexPageQuery {
    readonly partitionKey: string;
    /** The index's RowKey prefix; rows are `<prefix><inverted time>_…`, so they sort newest first. */
    readonly prefix: string;
    /** Only rows at or after this ISO 8601 instant. */
    readonly since?: string | undefined;
    readonly pageSize: number;
    readonly continuationToken?: string | undefined;
}

/**
 * One page of a newest-first index: at most `pageSize` rows after the token's, and the token of the next page when
 * there is one (one row more than a page is read to know, so no empty last page is handed out).
 */
export async function readIndexPage(
    client: TableClient,
    query: IndexPageQuery,
): Promise<{ readonly rows: Entity[]; readonly continuationToken?: string | undefined }> {
    const pageSize = Math.trunc(query.pageSize);
    if (!(pageSize >= 1 && pageSize <= maxServicePage)) throw new RangeError('pageSize must be 1..1000');
    const { prefix } = query;
    const lower = query.continuationToken === undefined ? undefined : decodeToken(query.continuationToken, prefix);
    const upper = query.since === undefined ? prefix + high : `${prefix}${invertedTimeOf(query.since)}_${high}`;
    const filter =
        `PartitionKey eq ${odataString(query.partitionKey)}` +
        (lower === undefined ? ` and RowKey ge ${odataString(prefix)}` : ` and RowKey gt ${odataString(lower)}`) +
        ` and RowKey le ${odataString(upper)}`;
    const rows = await readRange(client, filter, pageSize + 1);
    const pageRows = rows.slice(0, pageSize);
    const last = pageRows[pageRows.length - 1];
    return {
        rows: pageRows,
        continuationToken: rows.length > pageSize && last?.rowKey !== undefined ? encodeToken(last.rowKey) : undefined,
    };
}
