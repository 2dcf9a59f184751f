import { type Caller } from '../../src/domain/access/caller';
import { authorizeBookingBusiness } from '../../src/domain/access/authorizeBookingBusiness';
import { cachedBookingStaffDirectory } from '../../src/domain/access/cachedPorts';
import { tenantPolicySchema } from '../../src/domain/access/tenantPolicy';
import {
    alice,
    appCaller,
    bob,
    businessId,
    carol,
    FakeBookingStaff,
    FakeClock,
    FakeDirectory,
    reportingAppId,
    userCaller,
} from './fakes';

function deps(policy: unknown = {}) {
    return {
        directory: new FakeDirectory(),
        bookingStaff: new FakeBookingStaff(),
        policy: tenantPolicySchema.parse(policy),
    };
}

async function statusOf(caller: Caller, id: string, dependencies = deps()): Promise<number> {
    try {
        await authorizeBookingBusiness(caller, id, dependencies);
        return 200;
    } catch (error) {
        return (error as { status: number }).status;
    }
}

describe('authorizeBookingBusiness', () => {
    it('staff administrator: ok (email matched case-insensitively)', async () => {
        await expect(authorizeBookingBusiness(userCaller(alice), businessId, deps())).resolves.toEqual({
            businessId,
            basis: 'staff',
        });
    });

    it('staff scheduler: ok', async () => {
        const dependencies = deps();
        dependencies.bookingStaff.businesses
            .get(businessId)
            ?.push({ emailAddress: carol.userPrincipalName, role: 'Scheduler' });
        expect(await statusOf(userCaller(carol), businessId, dependencies)).toBe(200);
    });

    it('staff viewer: 403', async () => {
        await expect(authorizeBookingBusiness(userCaller(bob), businessId, deps())).rejects.toMatchObject({
            status: 403,
            message: expect.stringMatching(/viewer/) as unknown,
        });
    });

    it('not on the staff: 403', async () => {
        expect(await statusOf(userCaller(carol), businessId)).toBe(403);
    });

    it('matches staff by the directory address, not by the token UPN', async () => {
        const forged = { ...userCaller(carol), userPrincipalName: alice.userPrincipalName };
        expect(await statusOf(forged, businessId)).toBe(403);
    });

    it('matches staff listed under the primary SMTP address', async () => {
        const dependencies = deps();
        const carolEntry = dependencies.directory.users.find((u) => u.id === carol.id);
        if (carolEntry) Object.assign(carolEntry, { mail: 'carol.clark@contoso.test' });
        dependencies.bookingStaff.businesses
            .get(businessId)
            ?.push({ emailAddress: 'Carol.Clark@contoso.test', role: 'scheduler' });
        expect(await statusOf(userCaller(carol), businessId, dependencies)).toBe(200);
    });

    it('a user named in the policy for the business: ok', async () => {
        const policy = { bookings: [{ businessId: 'ContosoLunch@contoso.test', users: [carol.id] }] };
        await expect(authorizeBookingBusiness(userCaller(carol), businessId, deps(policy))).resolves.toEqual({
            businessId,
            basis: 'policy',
        });
    });

    it('a policy entry for another business does not count', async () => {
        const policy = { bookings: [{ businessId: 'other@contoso.test', users: [carol.userPrincipalName] }] };
        expect(await statusOf(userCaller(carol), businessId, deps(policy))).toBe(403);
    });

    it('an unknown business: 404 ErrorItemNotFound', async () => {
        await expect(authorizeBookingBusiness(userCaller(alice), 'nothere@contoso.test', deps())).rejects.toMatchObject(
            {
                status: 404,
                code: 'ErrorItemNotFound',
            },
        );
    });

    it('an app within its policy entry, by id or "*"', async () => {
        const policy = {
            applications: [
                { appId: reportingAppId, bookingBusinesses: [businessId] },
                { appId: 'ca9ce1a7-0000-4000-8000-0000000000f5', bookingBusinesses: ['*'] },
            ],
        };
        expect(await statusOf(appCaller(reportingAppId), businessId, deps(policy))).toBe(200);
        expect(await statusOf(appCaller('ca9ce1a7-0000-4000-8000-0000000000f5'), 'x@contoso.test', deps(policy))).toBe(
            200,
        );
    });

    it('an app outside its policy entry or without one: 403', async () => {
        const policy = {
            applications: [{ appId: reportingAppId, mailboxes: ['*'], bookingBusinesses: ['other@contoso.test'] }],
        };
        expect(await statusOf(appCaller(reportingAppId), businessId, deps(policy))).toBe(403);
        expect(await statusOf(appCaller('ca9ce1a7-0000-4000-8000-0000000000aa'), businessId, deps(policy))).toBe(403);
    });

    it('staff lists are cached for the TTL', async () => {
        const port = new FakeBookingStaff();
        const clock = new FakeClock();
        const dependencies = { ...deps(), bookingStaff: cachedBookingStaffDirectory(port, { clock, ttlMs: 60_000 }) };
        await authorizeBookingBusiness(userCaller(alice), businessId, dependencies);
        await authorizeBookingBusiness(userCaller(alice), businessId.toUpperCase(), dependencies);
        expect(port.calls).toBe(1);
        clock.advance(60_000);
        await authorizeBookingBusiness(userCaller(alice), businessId, dependencies);
        expect(port.calls).toBe(2);
    });
});
