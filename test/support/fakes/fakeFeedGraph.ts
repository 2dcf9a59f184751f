import { appointmentPath, userEventPath } from '../../../src/adapters/graph/graphAddress';
import type { FeedEvent, FeedGraph } from '../../../src/domain/feed/feedGraph';

/** Folder ids the fake gives every mailbox: one calendar, and Deleted Items outside the calendars. */
export const calendarFolder = 'AAMkCalendar=';
export const deletedItemsFolder = 'AAMkDeletedItems=';

/**
 * The feed's Graph at the port: watched mailboxes' copies by immutable id, each in a folder. Counts its reads, as
 * Graph's request log would.
 */
export class FakeFeedGraph implements FeedGraph {
    private readonly copies = new Map<string, FeedEvent>();
    readonly reads: string[] = [];

    put(mailbox: string, event: FeedEvent): void {
        this.copies.set(`${mailbox}|${event.id}`, event);
    }

    change(mailbox: string, id: string, change: Partial<FeedEvent>): void {
        const current = this.copies.get(`${mailbox}|${id}`);
        if (current === undefined) throw new Error(`no copy ${id} in ${mailbox}`);
        this.copies.set(`${mailbox}|${id}`, { ...current, ...change });
    }

    purge(mailbox: string, id: string): void {
        this.copies.delete(`${mailbox}|${id}`);
    }

    readEvent(mailbox: string, immutableId: string): Promise<FeedEvent | null> {
        this.reads.push(`GET ${userEventPath(mailbox, immutableId)}`);
        return Promise.resolve(this.copies.get(`${mailbox}|${immutableId}`) ?? null);
    }

    calendarFolderIds(mailbox: string): Promise<readonly string[]> {
        this.reads.push(`GET /users/${mailbox}/calendars`);
        return Promise.resolve([calendarFolder, 'AAMkSecondCalendar=']);
    }

    eventPath(mailbox: string, immutableId: string): string {
        return userEventPath(mailbox, immutableId);
    }

    appointmentPath(businessId: string, appointmentId: string): string {
        return appointmentPath({ version: 'v1.0', businessId, appointmentId });
    }
}
