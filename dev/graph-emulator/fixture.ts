import * as z from 'zod';

/**
 * The emulator's seed: one tenant's directory, mailboxes, events, Bookings businesses and app registrations.
 * `POST /_emulator/reset` accepts this document as JSON; see docs/emulator.md for an example.
 */
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'expected an ISO 8601 date-time');

const attendee = z.union([
    z.string().min(1),
    z
        .object({
            address: z.string().min(1),
            name: z.string().optional(),
            type: z.enum(['required', 'optional', 'resource']).optional(),
            response: z
                .enum(['none', 'organizer', 'tentativelyAccepted', 'accepted', 'declined', 'notResponded'])
                .optional(),
        })
        .strict(),
]);

const eventSchema = z
    .object({
        /** Fixed id for the organizer's item (default: derived from the subject and organizer). */
        id: z
            .string()
            .regex(/^[A-Za-z0-9_\-=.]+$/)
            .optional(),
        subject: z.string(),
        /** User id or UPN, or a group id or mail address for a group-calendar event. */
        organizer: z.string().min(1),
        /** Calendar name or id in the organizer's mailbox; default: the default calendar. */
        calendar: z.string().optional(),
        start: instant,
        end: instant,
        /** Tenant users (UPN or id) get a copy in their mailbox; other addresses are listed only. */
        attendees: z.array(attendee).default([]),
        body: z.string().optional(),
        location: z.string().optional(),
        /** Outlook categories (names); attendee copies get the same. */
        categories: z.array(z.string().min(1)).default([]),
        recurrence: z
            .object({
                pattern: z.literal('weekly'),
                interval: z.number().int().min(1).max(10).default(1),
                numberOfOccurrences: z.number().int().min(1).max(100),
            })
            .strict()
            .optional(),
        /** Modified occurrences of a series, by zero-based occurrence index. */
        exceptions: z
            .array(
                z
                    .object({
                        index: z.number().int().min(0),
                        subject: z.string().optional(),
                        start: instant.optional(),
                        end: instant.optional(),
                    })
                    .strict(),
            )
            .default([]),
    })
    .strict();

const staffRole = z.enum([
    'guest',
    'administrator',
    'viewer',
    'externalGuest',
    'scheduler',
    'teamMember',
    'unknownFutureValue',
]);

const customer = z
    .object({
        customerId: z.string().optional(),
        name: z.string(),
        emailAddress: z.string(),
        phone: z.string().optional(),
        timeZone: z.string().optional(),
        notes: z.string().optional(),
    })
    .strict();

const appointment = z
    .object({
        id: z
            .string()
            .regex(/^[A-Za-z0-9_\-=.]+$/)
            .optional(),
        serviceName: z.string(),
        serviceId: z.string().optional(),
        start: instant,
        end: instant,
        /** Staff ids or email addresses. */
        staff: z.array(z.string()).default([]),
        customers: z.array(customer).default([]),
        customerTimeZone: z.string().optional(),
        serviceNotes: z.string().optional(),
    })
    .strict();

const business = z
    .object({
        /** The business mailbox's SMTP address, which is also its Graph id. */
        id: z.string().includes('@'),
        displayName: z.string(),
        timeZone: z.string().default('UTC'),
        phone: z.string().optional(),
        staffMembers: z
            .array(
                z
                    .object({
                        id: z.string().optional(),
                        displayName: z.string(),
                        emailAddress: z.string(),
                        role: staffRole,
                    })
                    .strict(),
            )
            .default([]),
        appointments: z.array(appointment).default([]),
    })
    .strict();

export const fixtureSchema = z
    .object({
        tenantId: z.string().min(1),
        domain: z.string().optional(),
        users: z.array(
            z
                .object({
                    id: z.string().min(1),
                    userPrincipalName: z.string().includes('@'),
                    displayName: z.string(),
                    mail: z.string().optional(),
                    /** Extra calendars besides the default "Calendar"; all sit in the "My Calendars" group. */
                    calendars: z
                        .array(z.object({ id: z.string().optional(), name: z.string().min(1) }).strict())
                        .default([]),
                })
                .strict(),
        ),
        groups: z
            .array(
                z
                    .object({
                        id: z.string().min(1),
                        displayName: z.string(),
                        mail: z.string().optional(),
                        /** User ids or UPNs. */
                        members: z.array(z.string()).default([]),
                    })
                    .strict(),
            )
            .default([]),
        /** App registrations the token endpoint knows (client credentials). */
        applications: z
            .array(
                z
                    .object({
                        clientId: z.string().min(1),
                        displayName: z.string().optional(),
                        secret: z.string().min(1),
                        roles: z.array(z.string()).default([]),
                    })
                    .strict(),
            )
            .default([]),
        events: z.array(eventSchema).default([]),
        bookingBusinesses: z.array(business).default([]),
    })
    .strict();

/** The fixture as written (defaults optional); what `POST /_emulator/reset` and `startGraphEmulator` accept. */
export type Fixture = z.input<typeof fixtureSchema>;
/** The fixture after validation (defaults filled in). */
export type ParsedFixture = z.output<typeof fixtureSchema>;
export type FixtureEvent = z.output<typeof eventSchema>;
export type FixtureBusiness = z.output<typeof business>;

export function parseFixture(value: unknown): ReturnType<typeof fixtureSchema.safeParse> {
    return fixtureSchema.safeParse(value);
}
