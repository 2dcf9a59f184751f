import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice, bob, carol] = devTenant.users;
const business = demoIds.businessId;

describe('booking appointment cancel through the gateway', () => {
    const local = useLocalStack();

    const tokenFor = (upn: string) => local.stack.token({ user: upn, scp: ['BookingsAppointment.ReadWrite.All'] });
    const cancel = (path: string, body: unknown, token = tokenFor(alice.userPrincipalName)) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        });

    it('staff administrator cancels: 204, message kept, customers recorded, one notification queued and fanned out', async () => {
        const response = await cancel(
            `v1.0/solutions/bookingBusinesses/${encodeURIComponent(business)}/appointments/${demoIds.lunchAppointmentId}/cancel`,
            { cancellationMessage: 'The kitchen is closed today.' },
        );
        expect(response.status).toBe(204);
        expect(await response.text()).toBe('');
        const appointment = (await local.admin.appointments(business)).find((a) => a.id === demoIds.lunchAppointmentId);
        expect(appointment).toMatchObject({ cancellationMessage: 'The kitchen is closed today.' });

        const record = await fetch(`${local.stack.gatewayUrl}${response.headers.get('location')}`, {
            headers: { Authorization: `Bearer ${tokenFor(alice.userPrincipalName)}` },
        });
        expect(await record.json()).toMatchObject({
            kind: 'bookingAppointment',
            state: 'accepted',
            cancellationMessage: 'The kitchen is closed today.',
            resource: { businessId: business, appointmentId: demoIds.lunchAppointmentId },
            recipients: [
                { name: 'Pat Customer', address: 'pat@fabrikam.test', phone: '+1 555 0101', type: 'customer' },
            ],
        });

        // The notification is queued once, and the fan-out queue function takes it (no subscriptions here).
        const id = response.headers.get('location')!.split('/').pop()!;
        const fannedOut = (line: string) => line.includes(`notification ${id}.bookingAppointment.cancelled:`);
        await until('the notification fan-out', () => (local.stack.hostOutput.some(fannedOut) ? true : undefined));
        await new Promise((resolve) => setTimeout(resolve, 2_500)); // room for a duplicate to show up, if there were one
        expect(local.stack.hostOutput.filter(fannedOut)).toHaveLength(1);
    });

    it('sends the configured default message when none is given, on the older beta route with a raw @', async () => {
        const response = await cancel(
            `beta/bookingBusinesses/${business}/appointments/${demoIds.tastingAppointmentId}/cancel`,
            {},
        );
        expect(response.status).toBe(204);
        const appointment = (await local.admin.appointments(business)).find(
            (a) => a.id === demoIds.tastingAppointmentId,
        );
        expect(appointment).toMatchObject({ cancellationMessage: 'Your appointment has been cancelled.' });
    });

    it('answers 404 for a missing appointment and records nothing', async () => {
        const response = await cancel(
            `v1.0/solutions/bookingBusinesses/${business}/appointments/AAMkADmissing=/cancel`,
            {
                cancellationMessage: 'x',
            },
        );
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ error: { code: 'ErrorItemNotFound' } });
        const list = await fetch(`${local.stack.gatewayUrl}/api/cancellations`, {
            headers: { Authorization: `Bearer ${tokenFor(alice.userPrincipalName)}` },
        });
        expect(await list.json()).toEqual({ value: [] });
    });

    it('replays a repeat of an appointment it already cancelled, without asking Graph to cancel again', async () => {
        const path = `v1.0/solutions/bookingBusinesses/${business}/appointments/${demoIds.lunchAppointmentId}/cancel`;
        const first = await cancel(path, { cancellationMessage: 'Closed' });
        await local.admin.clearRequests();
        const again = await cancel(path, { cancellationMessage: 'Closed' });
        expect(again.status).toBe(204);
        expect(again.headers.get('location')).toBe(first.headers.get('location'));
        expect((await local.admin.calls()).filter((c) => c.startsWith('POST'))).toEqual([]);
    });

    it('refuses a viewer and a non-staff user (403), and lets an app the tenant policy names act app-only', async () => {
        const path = `v1.0/solutions/bookingBusinesses/${business}/appointments/${demoIds.lunchAppointmentId}/cancel`;
        expect((await cancel(path, {}, tokenFor(carol.userPrincipalName))).status).toBe(403);
        expect((await cancel(path, {}, tokenFor(bob.userPrincipalName))).status).toBe(403);
        const appToken = local.stack.token({
            app: 'ca9ce1a7-0000-4000-8000-0000000000d4',
            roles: ['Bookings.ReadWrite.All'],
        });
        expect((await cancel(path, {}, appToken)).status).toBe(204);
    });
});
