import * as z from 'zod';
import type { BookingStaffDirectory, BookingStaffMember, Directory, DirectoryUser } from '../../domain/access/ports';
import { UpstreamError } from '../../errors/upstreamError';
import type { WatchDirectory } from '../../domain/feed/ports';
import { bookingStaffPath, groupMembersPath, pageLinkCall, userPath, usersPath } from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';

const userWire = z.object({ id: z.string(), userPrincipalName: z.string(), mail: z.string().nullish() });
const memberGroupsWire = z.object({ value: z.array(z.string()) });
const idPageWire = z.object({
    value: z.array(z.object({ id: z.string(), '@odata.type': z.string().nullish() })),
    '@odata.nextLink': z.string().nullish(),
});
/** Users per `/users` or members page (Graph serves up to 999). */
const directoryPageSize = 999;
const userType = '#microsoft.graph.user';

const staffWire = z.object({
    value: z.array(z.object({ emailAddress: z.string().nullish(), role: z.string().nullish() })),
});

async function nullWhenMissing<T>(call: () => Promise<T>): Promise<T | null> {
    try {
        return await call();
    } catch (error) {
        if (error instanceof UpstreamError && error.status === 404) return null;
        throw error;
    }
}

/** The directory and Bookings staff lookups the access decisions ask Graph for (app-only). */
export class GraphDirectory implements Directory, BookingStaffDirectory, WatchDirectory {
    constructor(private readonly graph: GraphClient) {}

    async findUserId(idOrUpn: string): Promise<string | null> {
        return (await this.findUser(idOrUpn))?.id ?? null;
    }

    async listUserIds(): Promise<readonly string[]> {
        const items = await this.pagedIds({
            path: usersPath,
            query: { $select: 'id', $top: String(directoryPageSize) },
        });
        return items.map((item) => item.id);
    }

    listGroupMemberIds(groupId: string): Promise<readonly string[] | null> {
        return nullWhenMissing(async () => {
            const items = await this.pagedIds({
                path: groupMembersPath(groupId),
                query: { $select: 'id', $top: String(directoryPageSize) },
            });
            // Members are directory objects: only users have mailboxes (a nested group's members are not listed).
            return items.filter((item) => (item['@odata.type'] ?? userType) === userType).map((item) => item.id);
        });
    }

    /** Every page of an id listing, following `@odata.nextLink` to the configured Graph origin only. */
    private async pagedIds(first: { path: string; query: Record<string, string> }) {
        const items: z.output<typeof idPageWire>['value'] = [];
        let call: { path: string; query: Record<string, string> } | undefined = first;
        while (call !== undefined) {
            const result = await this.graph.send({ method: 'GET', version: 'v1.0', ...call });
            const page = parsedResult(result, (body) => idPageWire.parse(body));
            items.push(...page.value);
            const next = page['@odata.nextLink'];
            call = next ? pageLinkCall(next, 'v1.0') : undefined;
        }
        return items;
    }

    findUser(idOrUpn: string): Promise<DirectoryUser | null> {
        return nullWhenMissing(async () => {
            const result = await this.graph.send({
                method: 'GET',
                version: 'v1.0',
                path: userPath(idOrUpn),
                query: { $select: 'id,userPrincipalName,mail' },
            });
            return userWire.parse(result.body);
        });
    }

    async isGroupMember(groupId: string, userId: string): Promise<boolean> {
        const result = await nullWhenMissing(() =>
            this.graph.send({
                method: 'POST',
                version: 'v1.0',
                path: `${userPath(userId)}/checkMemberGroups`,
                body: { groupIds: [groupId] },
            }),
        );
        if (!result) return false;
        return memberGroupsWire.parse(result.body).value.some((id) => id.toLowerCase() === groupId.toLowerCase());
    }

    listStaff(businessId: string): Promise<readonly BookingStaffMember[] | null> {
        return nullWhenMissing(async () => {
            const result = await this.graph.send({
                method: 'GET',
                version: 'v1.0',
                path: bookingStaffPath(businessId),
            });
            return staffWire
                .parse(result.body)
                .value.map((s) => ({ emailAddress: s.emailAddress ?? '', role: s.role ?? 'unknown' }));
        });
    }
}
