import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';

/**
 * Every HTTP request form printed on Graph's `event: cancel` and `bookingAppointment: cancel` pages (v1.0 and beta,
 * current and older revisions, with the spellings they use), once through the gateway and once straight against
 * the emulator: the documented status, and the emulator's item cancelled with the text that was sent.
 */

const [alice] = devTenant.users;
const enc = encodeURIComponent;

/** Ids the seed gives but does not name. */
interface Seed {
    readonly calendarGroupId: string;
}

type Version = 'v1.0' | 'beta';

interface EventForm {
    readonly kind: 'event';
    /** The line as the docs page prints it. */
    readonly doc: string;
    readonly versions: readonly Version[];
    readonly path: (seed: Seed) => string;
    /** The mailbox that holds the event, and the event. */
    readonly mailbox: string;
    readonly eventId: string;
    /** The Graph path (after the version) the gateway calls for it. */
    readonly graphPath: string;
}

interface AppointmentForm {
    readonly kind: 'appointment';
    readonly doc: string;
    readonly versions: readonly Version[];
    readonly path: () => string;
}

const users = `users/${alice.id}`;
const group = `groups/${demoIds.salesGroupId}`;
const budget = demoIds.budgetReviewId;
const kickoff = demoIds.kickoffId;
const projects = demoIds.projectsCalendarId;
const both: readonly Version[] = ['v1.0', 'beta'];

const eventForm = (
    doc: string,
    path: (seed: Seed) => string,
    graphPath: string,
    eventId: string = budget,
    mailbox: string = alice.userPrincipalName,
): EventForm => ({ kind: 'event', doc, versions: both, path, mailbox, eventId, graphPath });

const forms: readonly (EventForm | AppointmentForm)[] = [
    eventForm('/me/events/{id}', () => `me/events/${budget}`, `${users}/events/${budget}`),
    eventForm('/users/{id}/events/{id}', () => `users/${alice.id}/events/${budget}`, `${users}/events/${budget}`),
    eventForm(
        '/users/{userPrincipalName}/events/{id}',
        () => `users/${enc(alice.userPrincipalName)}/events/${budget}`,
        `${users}/events/${budget}`,
    ),
    eventForm(
        '/groups/{id}/events/{id}',
        () => `groups/${demoIds.salesGroupId}/events/${demoIds.salesMeetingId}`,
        `${group}/events/${demoIds.salesMeetingId}`,
        demoIds.salesMeetingId,
        demoIds.salesGroupId,
    ),
    eventForm('/me/calendar/events/{id}', () => `me/calendar/events/${budget}`, `${users}/calendar/events/${budget}`),
    eventForm(
        '/users/{id | userPrincipalName}/calendar/events/{id}',
        () => `users/${alice.userPrincipalName}/calendar/events/${budget}`,
        `${users}/calendar/events/${budget}`,
    ),
    eventForm(
        '/groups/{id}/calendar/events/{id}',
        () => `groups/${demoIds.salesGroupId}/calendar/events/${demoIds.salesMeetingId}`,
        `${group}/calendar/events/${demoIds.salesMeetingId}`,
        demoIds.salesMeetingId,
        demoIds.salesGroupId,
    ),
    eventForm(
        '/me/calendars/{id}/events/{id}',
        () => `me/calendars/${projects}/events/${kickoff}`,
        `${users}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/users/{id | userPrincipalName}/calendars/{id}/events/{id}',
        () => `users/${alice.userPrincipalName}/calendars/${projects}/events/${kickoff}`,
        `${users}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    // Older revisions: the user's default calendar group, without its id. Graph's schema has no `calendarGroup` on
    // user, so the gateway names the calendar by its id.
    eventForm(
        '/me/calendargroup/calendars/{id}/events/{id}',
        () => `me/calendargroup/calendars/${projects}/events/${kickoff}`,
        `${users}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/users/{id | userPrincipalName}/calendargroup/calendars/{id}/events/{id}',
        () => `users/${alice.userPrincipalName}/calendargroup/calendars/${projects}/events/${kickoff}`,
        `${users}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/me/calendarGroup/calendars/{id}/events/{id} (camel case)',
        () => `me/calendarGroup/calendars/${projects}/events/${kickoff}`,
        `${users}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/users/{id}/calendarGroups/calendars/{id}/events/{id} (plural, no group id)',
        () => `users/${alice.id}/calendarGroups/calendars/${projects}/events/${kickoff}`,
        `${users}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/me/calendarGroups/{id}/calendars/{id}/events/{id}',
        (seed) => `me/calendarGroups/${enc(seed.calendarGroupId)}/calendars/${projects}/events/${kickoff}`,
        `${users}/calendarGroups/{group}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/users/{id | userPrincipalName}/calendarGroups/{id}/calendars/{id}/events/{id}',
        (seed) =>
            `users/${alice.userPrincipalName}/calendarGroups/${enc(seed.calendarGroupId)}/calendars/${projects}/events/${kickoff}`,
        `${users}/calendarGroups/{group}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/me/calendargroups/{id}/calendars/{id}/events/{id} (older lower case)',
        (seed) => `me/calendargroups/${enc(seed.calendarGroupId)}/calendars/${projects}/events/${kickoff}`,
        `${users}/calendarGroups/{group}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    eventForm(
        '/users/{id | userPrincipalName}/calendargroups/{id}/calendars/{id}/events/{id} (older lower case)',
        (seed) =>
            `users/${alice.id}/calendargroups/${enc(seed.calendarGroupId)}/calendars/${projects}/events/${kickoff}`,
        `${users}/calendarGroups/{group}/calendars/${projects}/events/${kickoff}`,
        kickoff,
    ),
    {
        kind: 'appointment',
        doc: '/solutions/bookingBusinesses/{id}/appointments/{id}',
        versions: both,
        path: () => `solutions/bookingBusinesses/${enc(demoIds.businessId)}/appointments/${demoIds.lunchAppointmentId}`,
    },
    {
        kind: 'appointment',
        doc: '/bookingBusinesses/{id}/appointments/{id} (older beta)',
        versions: ['beta'],
        path: () => `bookingBusinesses/${enc(demoIds.businessId)}/appointments/${demoIds.lunchAppointmentId}`,
    },
];

const cases = forms.flatMap((form) =>
    form.versions.flatMap((version) =>
        (['gateway', 'emulator'] as const).map((target) => [
            `${version} POST ${form.doc}/cancel`,
            target,
            version,
            form,
        ]),
    ),
) as [string, 'gateway' | 'emulator', Version, EventForm | AppointmentForm][];

describe('every documented request form of event: cancel and bookingAppointment: cancel', () => {
    const local = useLocalStack();
    const scopes = ['Calendars.ReadWrite', 'BookingsAppointment.ReadWrite.All'];

    const seed = async (): Promise<Seed> => {
        const token = local.stack.token({ user: alice.userPrincipalName, scp: scopes, audience: graphAudience });
        const groups = await fetch(`${local.stack.emulatorUrl}/v1.0/me/calendarGroups`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        const value = ((await groups.json()) as { value: Array<{ id: string; name: string }> }).value;
        return { calendarGroupId: value.find((g) => g.name === 'My Calendars')!.id };
    };

    it.each(cases)('%s through the %s', async (_name, target, version, form) => {
        const ids = await seed();
        const path = form.kind === 'event' ? form.path(ids) : form.path();
        const text = `cancelled via ${target} ${version} ${form.doc}`;
        const body = form.kind === 'event' ? { comment: text } : { cancellationMessage: text };
        const base = target === 'gateway' ? `${local.stack.gatewayUrl}/api` : local.stack.emulatorUrl;
        const token =
            target === 'gateway'
                ? local.stack.token({ user: alice.userPrincipalName, scp: scopes })
                : local.stack.token({ user: alice.userPrincipalName, scp: scopes, audience: graphAudience });
        await local.admin.clearRequests();

        const response = await fetch(`${base}/${version}/${path}/cancel`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
        });

        expect({ status: response.status, body: await response.text() }).toEqual({
            status: form.kind === 'event' ? 202 : 204,
            body: '',
        });
        if (form.kind === 'event') {
            const item = (await local.admin.events(form.mailbox)).find(
                (e) => e.id === form.eventId || e.previousIds.includes(form.eventId),
            );
            expect(item).toMatchObject({ cancelledVia: 'cancel', cancelComment: text });
            if (target === 'gateway') {
                const graphPath = form.graphPath.replace('{group}', ids.calendarGroupId);
                const cancels = (await local.admin.calls()).filter((call) => call.endsWith('/cancel'));
                expect(cancels).toEqual([`POST /${version}/${graphPath}/cancel`]);
            }
        } else {
            const appointment = (await local.admin.appointments(demoIds.businessId)).find(
                (a) => a.id === demoIds.lunchAppointmentId,
            );
            expect(appointment).toMatchObject({ isCancelled: true, cancellationMessage: text });
        }
    });
});
