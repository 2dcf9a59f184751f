import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { appToken, Client, enc, errorOf, useEmulator } from './helpers';

const business = demoIds.businessId;
const lunch = demoIds.lunchAppointmentId;
const emu = useEmulator();

const v1 = (path: string): string => `/v1.0/solutions/bookingBusinesses${path}`;

test('businesses: list, and get by id with %40 or a raw @', async () => {
    const list = await emu.client.get(v1(''));
    expect((list.json.value as { id: string }[]).map((b) => b.id)).toEqual([business]);
    for (const id of [enc(business), business, business.toUpperCase()]) {
        const reply = await emu.client.get(v1(`/${id}`));
        expect(reply.status).toBe(200);
        expect(reply.json.displayName).toBe('Contoso Lunch Delivery');
    }
});

test('staff members with roles and email addresses (alice administrator, bob not staff)', async () => {
    const reply = await emu.client.get(v1(`/${enc(business)}/staffMembers`));
    const staff = reply.json.value as { emailAddress: string; role: string; '@odata.type': string }[];
    expect(staff.map((s) => [s.emailAddress, s.role])).toEqual([
        ['alice@contoso.test', 'administrator'],
        ['carol@contoso.test', 'viewer'],
    ]);
    expect(staff[0]?.['@odata.type']).toBe('#microsoft.graph.bookingStaffMember');
});

test('appointment wire shape: customers[] and UTC dateTimeTimeZone', async () => {
    const reply = await emu.client.get(v1(`/${enc(business)}/appointments/${lunch}`));
    expect(reply.status).toBe(200);
    const body = reply.json;
    expect(body.id).toBe(lunch);
    expect(body.startDateTime).toEqual({
        dateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT12:00:00\.0000000Z$/) as unknown,
        timeZone: 'UTC',
    });
    expect(body.duration).toBe('PT30M');
    expect(body.customers).toEqual([
        {
            '@odata.type': '#microsoft.graph.bookingCustomerInformation',
            customerId: expect.any(String) as unknown,
            name: 'Pat Customer',
            emailAddress: 'pat@fabrikam.test',
            phone: '+1 555 0101',
            timeZone: 'UTC',
            notes: 'Gate code 1234',
            location: null,
            customQuestionAnswers: [],
        },
    ]);
    expect(body.customerName).toBe('Pat Customer');
    expect(body).not.toHaveProperty('customerId'); // beta only
    const list = await emu.client.get(v1(`/${enc(business)}/appointments`));
    expect((list.json.value as unknown[]).length).toBe(2);
});

test('cancel → 204 empty; then GET → 404; admin view keeps the cancellationMessage', async () => {
    const reply = await emu.client.post(v1(`/${enc(business)}/appointments/${lunch}/cancel`), {
        cancellationMessage: 'Kitchen closed',
    });
    expect(reply.status).toBe(204);
    expect(reply.text).toBe('');
    const gone = await emu.client.get(v1(`/${enc(business)}/appointments/${lunch}`));
    expect(gone.status).toBe(404);
    expect(errorOf(gone).code).toBe('ErrorItemNotFound');
    expect(errorOf(gone).innerError['request-id']).toBe(gone.headers.get('request-id'));
    const again = await emu.client.post(v1(`/${enc(business)}/appointments/${lunch}/cancel`), {
        cancellationMessage: 'x',
    });
    expect(again.status).toBe(404);
    const admin = await emu.client.admin('GET', `/bookings/${enc(business)}/appointments`);
    const view = (admin.json.value as { id: string; isCancelled: boolean; cancellationMessage: string | null }[]).find(
        (a) => a.id === lunch,
    );
    expect(view).toMatchObject({ isCancelled: true, cancellationMessage: 'Kitchen closed' });
    const list = await emu.client.get(v1(`/${enc(business)}/appointments`));
    expect((list.json.value as unknown[]).length).toBe(1);
});

test('missing appointment or business → 404 in Graph’s envelope', async () => {
    const appointment = await emu.client.post(v1(`/${enc(business)}/appointments/AAMkADnope=/cancel`), {
        cancellationMessage: 'x',
    });
    expect(appointment.status).toBe(404);
    expect(errorOf(appointment).innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const biz = await emu.client.post(v1(`/${enc('nobody@contoso.test')}/appointments/${lunch}/cancel`), {
        cancellationMessage: 'x',
    });
    expect(biz.status).toBe(404);
    expect(errorOf(biz).code).toBeTruthy();
});

test('older beta form without /solutions, with legacy fields', async () => {
    const get = await emu.client.get(`/beta/bookingBusinesses/${enc(business)}/appointments/${lunch}`);
    expect(get.status).toBe(200);
    expect(get.json.customerName).toBe('Pat Customer');
    expect(get.json.start).toEqual({
        dateTime: expect.stringMatching(/T12:00:00\.0000000Z$/) as unknown,
        timeZone: 'UTC',
    });
    expect(get.json).not.toHaveProperty('startDateTime');
    const cancel = await emu.client.post(`/beta/bookingBusinesses/${business}/appointments/${lunch}/cancel`, {
        cancellationMessage: 'beta',
    });
    expect(cancel.status).toBe(204);
    const v1NoSolutions = await emu.client.get(`/v1.0/bookingBusinesses/${enc(business)}`);
    expect(v1NoSolutions.status).toBe(400);
    expect(errorOf(v1NoSolutions).message).toBe("Resource not found for the segment 'bookingBusinesses'.");
});

test('calendarView/{id}/cancel (SDK form) and beta /solutions form', async () => {
    expect(
        (
            await emu.client.post(`/beta/solutions/bookingBusinesses/${enc(business)}/calendarView/${lunch}/cancel`, {
                cancellationMessage: 'a',
            })
        ).status,
    ).toBe(204);
    expect(
        (
            await emu.client.post(v1(`/${enc(business)}/calendarView/${demoIds.tastingAppointmentId}/cancel`), {
                cancellationMessage: 'b',
            })
        ).status,
    ).toBe(204);
});

test('bad body: unknown parameter → 400; non-JSON content type → 415', async () => {
    const unknown = await emu.client.post(v1(`/${enc(business)}/appointments/${lunch}/cancel`), {
        comment: 'wrong action body',
    });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).code).toBe('RequestBodyRead');
    const text = await emu.client.post(v1(`/${enc(business)}/appointments/${lunch}/cancel`), 'cancellationMessage=x', {
        'Content-Type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect((await emu.client.get(v1(`/${enc(business)}/appointments/${lunch}`))).status).toBe(200);
});

test('roles: reading needs a Bookings role; cancelling a write role', async () => {
    const calendarsOnly = new Client(emu.emulator, appToken(['Calendars.ReadWrite']));
    const read = await calendarsOnly.get(v1(`/${enc(business)}/appointments`));
    expect(read.status).toBe(403);
    expect(errorOf(read).code).toBe('ErrorAccessDenied');
    const reader = new Client(emu.emulator, appToken(['Bookings.Read.All']));
    expect((await reader.get(v1(`/${enc(business)}/appointments`))).status).toBe(200);
    expect(
        (await reader.post(v1(`/${enc(business)}/appointments/${lunch}/cancel`), { cancellationMessage: 'x' })).status,
    ).toBe(403);
    const appointmentWriter = new Client(emu.emulator, appToken(['BookingsAppointment.ReadWrite.All']));
    expect(
        (
            await appointmentWriter.post(v1(`/${enc(business)}/appointments/${lunch}/cancel`), {
                cancellationMessage: 'x',
            })
        ).status,
    ).toBe(204);
});
