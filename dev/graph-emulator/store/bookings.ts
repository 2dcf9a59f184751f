import { bookingDateTime, durationIso, isoInstant } from '../time';
import { type Appointment, type BookingBusiness, type StaffMember } from './model';

export function businessWire(b: BookingBusiness): Record<string, unknown> {
    return {
        id: b.id,
        displayName: b.displayName,
        businessType: 'Food delivery',
        phone: b.phone,
        email: b.id,
        webSiteUrl: '',
        defaultCurrencyIso: 'USD',
        isPublished: true,
        publicUrl: `https://outlook.office365.com/owa/calendar/${encodeURIComponent(b.id)}/bookings/`,
        languageTag: 'en-US',
        address: { street: '', city: '', state: '', countryOrRegion: '', postalCode: '' },
        businessHours: [],
        schedulingPolicy: {
            timeSlotInterval: 'PT30M',
            minimumLeadTime: 'PT0S',
            maximumAdvance: 'P365D',
            sendConfirmationsToOwner: true,
            allowStaffSelection: true,
        },
    };
}

export function staffWire(s: StaffMember, b: BookingBusiness): Record<string, unknown> {
    return {
        id: s.id,
        displayName: s.displayName,
        emailAddress: s.emailAddress,
        role: s.role,
        timeZone: b.timeZone,
        useBusinessHours: true,
        availabilityIsAffectedByPersonalCalendar: false,
        isEmailNotificationEnabled: true,
        workingHours: [],
    };
}

/** The wire shape of each version, as msgraph-metadata declares it (test/emulator/metadata.test.ts). */
export function appointmentWire(a: Appointment, version: 'v1.0' | 'beta'): Record<string, unknown> {
    const wire: Record<string, unknown> = {
        id: a.id,
        selfServiceAppointmentId: `00000000-0000-0000-0000-${a.id.length.toString().padStart(12, '0')}`,
        additionalInformation: '',
        isLocationOnline: false,
        joinWebUrl: null,
        anonymousJoinWebUrl: null,
        customerTimeZone: a.customerTimeZone,
        smsNotificationsEnabled: false,
        serviceId: a.serviceId,
        serviceName: a.serviceName,
        duration: durationIso(a.end - a.start),
        preBuffer: 'PT0S',
        postBuffer: 'PT0S',
        priceType: 'free',
        price: 0,
        serviceNotes: a.serviceNotes,
        optOutOfCustomerEmail: false,
        staffMemberIds: [...a.staffMemberIds],
        serviceLocation: { displayName: '', locationType: 'default', address: {}, coordinates: {} },
        reminders: [],
        maximumAttendeesCount: Math.max(1, a.customers.length),
        filledAttendeesCount: a.customers.length,
        appointmentLabel: '',
        createdDateTime: isoInstant(a.createdDateTime),
        lastUpdatedDateTime: isoInstant(a.lastUpdatedDateTime),
        customers: a.customers.map((c) => ({
            '@odata.type': '#microsoft.graph.bookingCustomerInformation',
            customerId: c.customerId,
            name: c.name,
            emailAddress: c.emailAddress,
            phone: c.phone,
            timeZone: c.timeZone,
            notes: c.notes,
            location: null,
            customQuestionAnswers: [],
        })),
    };
    // The single-customer fields of both versions' metadata: the first customer's.
    const first = a.customers[0];
    Object.assign(wire, {
        customerName: first?.name ?? null,
        customerEmailAddress: first?.emailAddress ?? null,
        customerPhone: first?.phone ?? null,
        customerNotes: first?.notes ?? null,
        isCustomerAllowedToManageBooking: false,
    });
    if (version === 'v1.0') {
        Object.assign(wire, { startDateTime: bookingDateTime(a.start), endDateTime: bookingDateTime(a.end) });
    } else {
        // Beta declares `start`/`end` where v1.0 has `startDateTime`/`endDateTime`, and the older customer fields.
        Object.assign(wire, {
            customerId: first?.customerId ?? null,
            customerLocation: null,
            start: bookingDateTime(a.start),
            end: bookingDateTime(a.end),
            invoiceStatus: 'draft',
            invoiceAmount: 0,
        });
    }
    return wire;
}

export function adminAppointmentView(a: Appointment): Record<string, unknown> {
    return {
        ...appointmentWire(a, 'v1.0'),
        isCancelled: a.cancelled !== undefined,
        cancelledAt: a.cancelled ? isoInstant(a.cancelled.at) : null,
        cancellationMessage: a.cancelled?.cancellationMessage ?? null,
    };
}
