import { type EventItem, type Mailbox } from '../store/model';
import { type Tenant } from '../store/tenant';
import { type ChangeType } from './subscriptions';

/** What a subscriber's notification says about one item (ids as they were when the change happened). */
export interface ItemChange {
    mailboxId: string;
    changeType: ChangeType;
    id: string;
    immutableId: string;
    changeKey: string;
}

interface Seen {
    id: string;
    changeKey: string;
    inCalendar: boolean;
}

/**
 * Items Exchange stores on its own: single instances, series masters and exceptions. Plain occurrences are
 * computed from their master, and a change to one shows as a change to the master (VERIFY, docs/emulator.md).
 */
function isStoredItem(item: EventItem): boolean {
    return item.type !== 'occurrence';
}

/** `/events` covers the mailbox's calendars; Deleted Items and removed instances are outside it. */
function inCalendar(item: EventItem): boolean {
    return item.state === 'active';
}

/**
 * Finds what changed in the watched mailboxes since the last look by comparing each stored item's change key and
 * folder with what it was: whatever route made the change (Graph, `$batch`, admin actions) is seen the same way.
 */
export class ChangeDetector {
    private readonly seen = new Map<string, Map<string, Seen>>();

    /** Starts watching a mailbox from its current state (nothing before this is reported). */
    watch(mailbox: Mailbox): void {
        if (!this.seen.has(mailbox.id)) this.seen.set(mailbox.id, this.snapshot(mailbox));
    }

    /** Stops watching mailboxes not in `keep`. */
    retain(keep: ReadonlySet<string>): void {
        for (const id of [...this.seen.keys()]) if (!keep.has(id)) this.seen.delete(id);
    }

    clear(): void {
        this.seen.clear();
    }

    /** The changes in every watched mailbox since the last call, and the new baseline. */
    detect(tenant: Tenant): ItemChange[] {
        const changes: ItemChange[] = [];
        for (const [mailboxId, before] of this.seen) {
            const mailbox = tenant.mailboxes.get(mailboxId);
            if (!mailbox) {
                this.seen.delete(mailboxId);
                continue;
            }
            const after = this.snapshot(mailbox);
            for (const [immutableId, now] of after) {
                const was = before.get(immutableId);
                const changeType = changeOf(was, now);
                if (!changeType) continue;
                // A deleted item is named by the id it had in the calendar (a move to Deleted Items gives a new one).
                const id = changeType === 'deleted' && was ? was.id : now.id;
                changes.push({ mailboxId, changeType, id, immutableId, changeKey: now.changeKey });
            }
            for (const [immutableId, was] of before) {
                if (!after.has(immutableId) && was.inCalendar) {
                    changes.push({
                        mailboxId,
                        changeType: 'deleted',
                        id: was.id,
                        immutableId,
                        changeKey: was.changeKey,
                    });
                }
            }
            this.seen.set(mailboxId, after);
        }
        return changes;
    }

    private snapshot(mailbox: Mailbox): Map<string, Seen> {
        const out = new Map<string, Seen>();
        for (const item of mailbox.items.values()) {
            if (!isStoredItem(item)) continue;
            out.set(item.immutableId, { id: item.id, changeKey: item.changeKey, inCalendar: inCalendar(item) });
        }
        return out;
    }
}

function changeOf(was: Seen | undefined, now: Seen): ChangeType | undefined {
    if (!was || !was.inCalendar) return now.inCalendar ? 'created' : undefined;
    if (!now.inCalendar) return 'deleted';
    return was.changeKey !== now.changeKey ? 'updated' : undefined;
}
