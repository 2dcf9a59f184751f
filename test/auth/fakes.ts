import { devTenant } from '../../dev/identity/devTenant';
import { type Caller } from '../../src/domain/access/caller';
import {
    type BookingStaffDirectory,
    type BookingStaffMember,
    type Directory,
    type DirectoryUser,
} from '../../src/domain/access/ports';
import { type Clock } from '../../src/domain/ports/clock';

export const [alice, bob, carol] = devTenant.users;
export const salesGroupId = '5a1e5000-0000-4000-8000-0000000000d1';
export const businessId = 'contosolunch@contoso.test';
export const reportingAppId = 'ca9ce1a7-0000-4000-8000-0000000000e4';

export function userCaller(
    user: { id: string; userPrincipalName: string },
    scopes: string[] = ['Calendars.ReadWrite'],
    roles: string[] = [],
): Caller {
    return {
        kind: 'user',
        tenantId: devTenant.tenantId,
        objectId: user.id,
        userPrincipalName: user.userPrincipalName,
        appId: devTenant.callerApp.clientId,
        scopes: new Set(scopes),
        roles: new Set(roles),
    };
}

export function appCaller(appId: string, roles: string[] = ['Calendars.ReadWrite']): Caller {
    return {
        kind: 'app',
        tenantId: devTenant.tenantId,
        objectId: '0a990000-0000-4000-8000-000000000099',
        appId,
        scopes: new Set(),
        roles: new Set(roles),
    };
}

/** An in-memory directory of the demo tenant that counts calls. */
export class FakeDirectory implements Directory {
    readonly calls = { findUser: 0, isGroupMember: 0 };
    readonly users: DirectoryUser[] = devTenant.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.userPrincipalName,
    }));
    readonly groups = new Map<string, Set<string>>([[salesGroupId, new Set([alice.id, bob.id])]]);

    findUser(idOrUpn: string): Promise<DirectoryUser | null> {
        this.calls.findUser += 1;
        const wanted = idOrUpn.toLowerCase();
        const user = this.users.find((u) => u.id === wanted || u.userPrincipalName.toLowerCase() === wanted);
        return Promise.resolve(user ?? null);
    }

    isGroupMember(groupId: string, userId: string): Promise<boolean> {
        this.calls.isGroupMember += 1;
        return Promise.resolve(this.groups.get(groupId)?.has(userId) ?? false);
    }
}

export class FakeBookingStaff implements BookingStaffDirectory {
    calls = 0;
    readonly businesses = new Map<string, BookingStaffMember[]>([
        [
            businessId,
            [
                { emailAddress: 'Alice@Contoso.test', role: 'administrator' },
                { emailAddress: 'bob@contoso.test', role: 'viewer' },
            ],
        ],
    ]);

    listStaff(id: string): Promise<BookingStaffMember[] | null> {
        this.calls += 1;
        return Promise.resolve(this.businesses.get(id) ?? null);
    }
}

export class FakeClock implements Clock {
    constructor(private nowMs = Date.UTC(2026, 0, 1)) {}

    now(): Date {
        return new Date(this.nowMs);
    }

    advance(ms: number): void {
        this.nowMs += ms;
    }
}
