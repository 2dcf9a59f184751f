import { z } from 'zod';
import type { BookingStaffDirectory, BookingStaffMember, Directory, DirectoryUser } from '../../domain/access/ports';
import { UpstreamError } from '../../errors/upstreamError';
import { bookingStaffPath, userPath } from './graphAddress';
import type { GraphClient } from './graphClient';

const userWire = z.object({ id: z.string(), userPrincipalName: z.string(), mail: z.string().nullish() });
const memberGroupsWire = z.object({ value: z.array(z.string()) });
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
export class GraphDirectory implements Directory, BookingStaffDirectory {
    constructor(private readonly graph: GraphClient) {}

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
