import { ANY, type TenantPolicy } from '../access/tenantPolicy';
import type { WatchDirectory } from './ports';

export interface WatchScope {
    /** User object ids (lower case) whose calendars are watched. */
    readonly mailboxes: ReadonlySet<string>;
    /** Names the directory does not know (a user or group that does not exist), for the pass's log line. */
    readonly unknown: readonly string[];
}

/** Whether the policy watches any mailbox at all (booking businesses are the Bookings poll's, not this feed's). */
export function watchesMailboxes(watch: TenantPolicy['watch']): boolean {
    return watch.mailboxes.length > 0 || watch.groups.length > 0;
}

/**
 * The mailboxes the policy's `watch` names, as object ids: each named user, every user of the tenant for `"*"`, and
 * each named group's members. A name the directory does not know is skipped and reported; a directory that fails
 * throws, so no caller ever acts on a partial scope (a renewal pass would delete subscriptions it still needs).
 */
export async function resolveWatchScope(watch: TenantPolicy['watch'], directory: WatchDirectory): Promise<WatchScope> {
    const mailboxes = new Set<string>();
    const unknown: string[] = [];
    const add = (ids: readonly string[]) => ids.forEach((id) => mailboxes.add(id.toLowerCase()));
    if (watch.mailboxes.includes(ANY)) add(await directory.listUserIds());
    for (const name of watch.mailboxes.filter((entry) => entry !== ANY)) {
        const id = await directory.findUserId(name);
        if (id === null) unknown.push(`user ${name}`);
        else add([id]);
    }
    for (const group of watch.groups) {
        const members = await directory.listGroupMemberIds(group);
        if (members === null) unknown.push(`group ${group}`);
        else add(members);
    }
    return { mailboxes, unknown };
}
