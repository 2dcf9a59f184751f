import * as z from 'zod';
import type { Recipient } from '../../domain/cancellation/record';

/** `{dateTime: "2019-04-16T20:30:00.0000000", timeZone: "UTC"}` → ISO 8601 (UTC when Graph says UTC). */
const dateTimeTimeZone = z
    .object({ dateTime: z.string(), timeZone: z.string().optional().nullable() })
    .transform(({ dateTime, timeZone }) => {
        const utc = !timeZone || timeZone.toUpperCase() === 'UTC';
        const trimmed = dateTime.replace(/(\.\d{3})\d*/, '$1');
        return utc && !/[zZ]|[+-]\d\d:\d\d$/.test(trimmed) ? `${trimmed}Z` : trimmed;
    });

const emailAddress = z
    .object({ name: z.string().nullish(), address: z.string().nullish() })
    .nullish()
    .transform((e) => ({ name: e?.name ?? undefined, address: e?.address ?? undefined }));

const attendee = z
    .object({
        type: z.string().nullish(),
        status: z.object({ response: z.string().nullish() }).nullish(),
        emailAddress,
    })
    .transform((a): Recipient => ({
        name: a.emailAddress.name,
        address: a.emailAddress.address,
        type: a.type ?? 'required',
        response: a.status?.response ?? undefined,
    }));

/** The `$select`ed fields of a Graph event (`eventSelect` in graphAddress.ts). */
export const eventWire = z.object({
    id: z.string(),
    isOrganizer: z.boolean().nullish(),
    isCancelled: z.boolean().nullish(),
    type: z.string().nullish(),
    seriesMasterId: z.string().nullish(),
    iCalUId: z.string().nullish(),
    subject: z.string().nullish(),
    start: dateTimeTimeZone.nullish(),
    end: dateTimeTimeZone.nullish(),
    attendees: z.array(attendee).nullish(),
    organizer: z.object({ emailAddress }).nullish(),
});

/** What the domain keeps of an event read (`EventSnapshot` without what the answer's headers say). */
export function eventFields(wire: z.infer<typeof eventWire>) {
    return {
        id: wire.id,
        isOrganizer: wire.isOrganizer ?? false,
        isCancelled: wire.isCancelled ?? false,
        organizer: wire.organizer?.emailAddress,
        type: wire.type ?? undefined,
        seriesMasterId: wire.seriesMasterId ?? undefined,
        iCalUId: wire.iCalUId ?? undefined,
        subject: wire.subject ?? undefined,
        start: wire.start ?? undefined,
        end: wire.end ?? undefined,
        attendees: wire.attendees ?? [],
    };
}

const customer = z
    .object({
        name: z.string().nullish(),
        emailAddress: z.string().nullish(),
        phone: z.string().nullish(),
    })
    .transform((c): Recipient => ({
        name: c.name ?? undefined,
        address: c.emailAddress ?? undefined,
        phone: c.phone ?? undefined,
        type: 'customer',
    }));

/**
 * A booking appointment: v1.0 `customers[]` and `startDateTime`, and the legacy/beta single-customer fields
 * (`customerName`, `customerEmailAddress`, `customerPhone`) and `start`/`end`, which Graph still returns in places.
 */
export const appointmentWire = z
    .object({
        id: z.string(),
        serviceName: z.string().nullish(),
        startDateTime: dateTimeTimeZone.nullish(),
        endDateTime: dateTimeTimeZone.nullish(),
        start: dateTimeTimeZone.nullish(),
        end: dateTimeTimeZone.nullish(),
        customers: z.array(customer).nullish(),
        customerName: z.string().nullish(),
        customerEmailAddress: z.string().nullish(),
        customerPhone: z.string().nullish(),
    })
    .transform((a) => {
        const customers: Recipient[] = [...(a.customers ?? [])];
        if (customers.length === 0 && (a.customerName || a.customerEmailAddress)) {
            customers.push({
                name: a.customerName ?? undefined,
                address: a.customerEmailAddress ?? undefined,
                phone: a.customerPhone ?? undefined,
                type: 'customer',
            });
        }
        return {
            id: a.id,
            serviceName: a.serviceName ?? undefined,
            start: a.startDateTime ?? a.start ?? undefined,
            end: a.endDateTime ?? a.end ?? undefined,
            customers,
        };
    });
