import { demoIds } from '../../dev/graph-emulator/demoTenant';
import type { GraphMetadataFixture } from '../../dev/metadata/extractGraphMetadata';
import graphMetadata from '../fixtures/graphMetadata.json';
import { alice, enc, useEmulator } from './helpers';

/**
 * Every property the emulator returns for the types the gateway reads is one Graph's own metadata declares for that
 * type and version (test/fixtures/graphMetadata.json, from microsoftgraph/msgraph-metadata; regenerate it with
 * dev/metadata/extractGraphMetadata.ts). Navigation properties are not accepted: Graph returns them only on $expand.
 */

const metadata = graphMetadata as GraphMetadataFixture;
const emu = useEmulator({ resetEachTest: false });
type Version = 'v1.0' | 'beta';
type Wire = Record<string, unknown>;

/** `type.property` for each returned property the metadata does not declare (`@odata.*` annotations aside). */
function undeclared(version: Version, type: string, objects: readonly Wire[]): string[] {
    const declared = metadata.versions[version].types[type]?.properties;
    if (!declared) throw new Error(`the fixture has no ${version} ${type}`);
    const names = new Set(objects.flatMap((o) => Object.keys(o)).filter((name) => !name.includes('@')));
    return [...names].filter((name) => !declared.includes(name)).map((name) => `${type}.${name}`);
}

async function values(path: string): Promise<Wire[]> {
    const reply = await emu.client.get(path);
    expect(reply.status).toBe(200);
    return 'value' in reply.json ? (reply.json.value as Wire[]) : [reply.json];
}

describe.each(['v1.0', 'beta'] as const)('%s answers declare only what the metadata declares', (version) => {
    beforeAll(() => emu.client.reset());

    it('event (single instances, series masters, occurrences, exceptions) and attendee', async () => {
        const window = `startDateTime=${new Date(0).toISOString()}&endDateTime=${new Date(Date.UTC(2100, 0)).toISOString()}`;
        const events = [
            ...(await values(`/${version}/users/${alice}/events`)),
            ...(await values(`/${version}/users/${alice}/events/${demoIds.budgetReviewId}`)),
            ...(await values(`/${version}/users/${alice}/events/${demoIds.teamSyncId}/instances?${window}`)),
            ...(await values(`/${version}/groups/${demoIds.salesGroupId}/calendar/events`)),
        ];
        expect(new Set(events.map((e) => e.type))).toEqual(
            new Set(['singleInstance', 'seriesMaster', 'occurrence', 'exception']),
        );
        const attendees = events.flatMap((e) => e.attendees as Wire[]);
        expect(attendees.length).toBeGreaterThan(0);
        expect([...undeclared(version, 'event', events), ...undeclared(version, 'attendee', attendees)]).toEqual([]);
    });

    it('bookingAppointment and bookingCustomerInformation', async () => {
        const appointments = await values(
            `/${version}/solutions/bookingBusinesses/${enc(demoIds.businessId)}/appointments`,
        );
        const customers = appointments.flatMap((a) => a.customers as Wire[]);
        expect(customers.length).toBeGreaterThan(0);
        expect([
            ...undeclared(version, 'bookingAppointment', appointments),
            ...undeclared(version, 'bookingCustomerInformation', customers),
        ]).toEqual([]);
    });

    it('user and calendar', async () => {
        const users = [...(await values(`/${version}/users`)), ...(await values(`/${version}/users/${alice}`))];
        const calendars = [
            ...(await values(`/${version}/users/${alice}/calendars`)),
            ...(await values(`/${version}/users/${alice}/calendar`)),
        ];
        expect([...undeclared(version, 'user', users), ...undeclared(version, 'calendar', calendars)]).toEqual([]);
    });
});

describe('what v1.0 declares and the emulator once left out', () => {
    beforeAll(() => emu.client.reset());

    it('event: cancelledOccurrences on a series master, originalStart on its instances, no uid', async () => {
        const master = (await values(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}`))[0]!;
        expect(master.cancelledOccurrences).toEqual([]);
        const window = `startDateTime=${new Date(0).toISOString()}&endDateTime=${new Date(Date.UTC(2100, 0)).toISOString()}`;
        const instances = await values(`/v1.0/users/${alice}/events/${demoIds.teamSyncId}/instances?${window}`);
        const moved = instances.find((i) => i.type === 'exception')!;
        expect(moved.originalStart).toMatch(/T09:00:00\.0000000Z$/);
        expect((moved.start as { dateTime: string }).dateTime).toMatch(/T10:00:00/);
        const single = (await values(`/v1.0/users/${alice}/events/${demoIds.budgetReviewId}`))[0]!;
        expect(single).not.toHaveProperty('originalStart');
        expect(single).not.toHaveProperty('uid');
    });

    it("bookingAppointment: the single-customer fields are the first customer's", async () => {
        const path = `/v1.0/solutions/bookingBusinesses/${enc(demoIds.businessId)}/appointments`;
        const lunch = (await values(`${path}/${demoIds.lunchAppointmentId}`))[0]!;
        expect(lunch).toMatchObject({
            customerName: 'Pat Customer',
            customerEmailAddress: 'pat@fabrikam.test',
            customerPhone: '+1 555 0101',
            customerNotes: 'Gate code 1234',
            isCustomerAllowedToManageBooking: false,
        });
        const tasting = (await values(`${path}/${demoIds.tastingAppointmentId}`))[0]!;
        expect(tasting).toMatchObject({ customerName: 'Quinn Buyer', customerEmailAddress: 'quinn@fabrikam.test' });
    });
});

test('the fixture names the metadata commit and files it came from', () => {
    expect(metadata.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const version of ['v1.0', 'beta'] as const) {
        expect(metadata.versions[version].sources.length).toBeGreaterThan(0);
        for (const source of metadata.versions[version].sources) expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    }
});
