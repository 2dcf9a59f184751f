import { TableClient } from '@azure/data-tables';
import * as z from 'zod';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { TableParkedNotificationStore } from '../../src/adapters/tables/parkedNotificationStore';
import type { HttpRoute } from '../../src/http/routes/contract';
import { httpRoutes } from '../../src/http/routes/manifest';
import { graphErrorSchema } from '../../src/http/schemas';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';

/**
 * The manifest's documents (OpenAPI, the connector) are generated from its response schemas; this calls every route
 * of the manifest on the running stack with a valid request and checks the real answer against the route's entry:
 * its success status, and a body the response schema accepts with nothing it does not declare.
 */

const [alice] = devTenant.users;
const enc = encodeURIComponent;
const everyPermission = ['Calendars.ReadWrite', 'BookingsAppointment.ReadWrite.All', 'Subscriptions.ReadWrite.All'];

/** Ids the seed gives but does not name: alice's calendar group and an occurrence of her weekly series. */
interface SeedIds {
    readonly calendarGroupId: string;
    readonly occurrenceId: string;
}

/** A template filled with demo items that exist (version `beta` for beta's older bookings form). */
function fill(template: string, seed: SeedIds): string {
    const parts = template.split('/');
    return parts
        .map((segment, i) => {
            const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
            if (name === undefined) return segment;
            switch (name) {
                case 'version':
                    return parts[i + 1] === 'bookingBusinesses' ? 'beta' : 'v1.0';
                case 'owner':
                    return parts[i - 1] === 'groups' ? demoIds.salesGroupId : enc(alice.userPrincipalName);
                case 'seriesMasterId':
                    return demoIds.teamSyncId;
                case 'calendarId':
                    return demoIds.projectsCalendarId;
                case 'calendarGroupId':
                    return enc(seed.calendarGroupId);
                case 'eventId':
                    if (template.includes('/instances/')) return enc(seed.occurrenceId);
                    if (template.includes('/calendars/')) return demoIds.kickoffId;
                    return template.startsWith('{version}/groups/') ? demoIds.salesMeetingId : demoIds.budgetReviewId;
                case 'businessId':
                    return enc(demoIds.businessId);
                case 'appointmentId':
                    return demoIds.lunchAppointmentId;
                default:
                    throw new Error(`no demo value for {${name}} of ${template}`);
            }
        })
        .join('/');
}

/** Keys of `sent` that the parsed value dropped: properties the schema does not declare. */
function undeclared(sent: unknown, parsed: unknown, at = '$'): string[] {
    if (Array.isArray(sent) && Array.isArray(parsed)) {
        return sent.flatMap((item, i) => undeclared(item, parsed[i], `${at}[${i}]`));
    }
    if (sent === null || typeof sent !== 'object' || parsed === null || typeof parsed !== 'object') return [];
    return Object.entries(sent).flatMap(([key, value]) =>
        key in parsed ? undeclared(value, (parsed as Record<string, unknown>)[key], `${at}.${key}`) : [`${at}.${key}`],
    );
}

describe('every route of the manifest, on the running stack', () => {
    const local = useLocalStack();

    it('answers a valid request with its documented status and a body its response schema describes', async () => {
        const { stack } = local;
        const user = stack.token({ user: alice.userPrincipalName, scp: everyPermission });
        const admin = stack.token({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'] });
        const problems: string[] = [];
        const called = new Set<string>();
        const seedIds = async (): Promise<SeedIds> => {
            const graphToken = stack.token({
                app: devTenant.gatewayGraphClient.clientId,
                roles: ['Calendars.ReadWrite'],
                audience: 'https://graph.microsoft.com',
                version: 1,
            });
            const groups = await fetch(`${stack.emulatorUrl}/v1.0/users/${alice.id}/calendarGroups`, {
                headers: { Authorization: `Bearer ${graphToken}` },
            });
            const calendarGroupId = ((await groups.json()) as { value: Array<{ id: string }> }).value[0]!.id;
            const events = await emulatorAdmin(stack.emulatorUrl).events(alice.userPrincipalName);
            const occurrence = events.find((e) => e.type === 'occurrence' && e.seriesMasterId === demoIds.teamSyncId);
            return { calendarGroupId, occurrenceId: occurrence!.id };
        };

        const call = async (
            name: string,
            { token, body, fill: values = {} }: { token?: string; body?: unknown; fill?: Record<string, string> } = {},
        ): Promise<unknown> => {
            const route: HttpRoute | undefined = httpRoutes.find((r) => r.name === name);
            if (!route) throw new Error(`no route ${name}`);
            called.add(name);
            let path = route.template;
            for (const [param, value] of Object.entries(values)) path = path.replace(`{${param}}`, enc(value));
            const response = await fetch(`${stack.gatewayUrl}/api/${fill(path, await seedIds())}`, {
                method: route.method,
                headers: {
                    ...(token ? { Authorization: `Bearer ${token}` } : {}),
                    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
                },
                ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            });
            const text = await response.text();
            if (name === 'cancelEvent-groups-instances') {
                // The seed has no series in a group's calendar: Graph's 404, in its envelope, is the valid answer.
                const error = graphErrorSchema.safeParse(JSON.parse(text));
                if (response.status !== 404 || !error.success) problems.push(`${name}: ${response.status} ${text}`);
                return undefined;
            }
            const alternative = route.response.alternative;
            const schema = alternative?.status === response.status ? alternative.schema : route.response.schema;
            if (response.status !== route.response.status && response.status !== alternative?.status) {
                problems.push(`${name}: ${response.status} ${text.slice(0, 300)}`);
                return undefined;
            }
            if (!schema) {
                if (text !== '') problems.push(`${name}: a body where none is documented`);
                return response.headers.get('location');
            }
            const json = JSON.parse(text) as unknown;
            const parsed = schema.safeParse(json);
            if (!parsed.success) {
                problems.push(`${name}: ${z.prettifyError(parsed.error)}`);
                return json;
            }
            problems.push(...undeclared(json, parsed.data).map((key) => `${name}: undeclared ${key}`));
            return json;
        };

        // Each cancel form on a freshly seeded tenant (a cancelled item is gone from where the next form looks).
        for (const route of httpRoutes.filter((r) => r.template.endsWith('/cancel'))) {
            await stack.reset();
            const body = route.template.includes('{appointmentId}')
                ? { cancellationMessage: 'Closed' }
                : { comment: 'Moved' };
            await call(route.name, { token: user, body });
        }

        await call('health');
        await call('getOpenApiDocument');

        // On a fresh tenant, a subscription, then a cancel it is notified of: a record and a delivery to read.
        await stack.reset();
        const created = (await call('createSubscription', {
            token: user,
            body: { notificationUrl: 'http://127.0.0.1:9/hook', eventTypes: ['event.cancelled'] },
        })) as { id: string };
        const subscriptionId = created.id;
        const cancelled = await fetch(`${stack.gatewayUrl}/api/v1.0/me/events/${demoIds.budgetReviewId}/cancel`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${user}` },
        });
        const cancellationId = decodeURIComponent(cancelled.headers.get('location')!.split('/').pop()!);
        const deliveryId = await until('the delivery of the cancellation', async () => {
            const list = await fetch(`${stack.gatewayUrl}/api/deliveries`, {
                headers: { Authorization: `Bearer ${user}` },
            });
            return ((await list.json()) as { value: Array<{ id: string }> }).value[0]?.id;
        });

        await call('getCancellation', { token: user, fill: { id: cancellationId } });
        await call('listCancellations', { token: user });
        await call('listSubscriptions', { token: user });
        await call('getSubscription', { token: user, fill: { id: subscriptionId } });
        await call('updateSubscription', { token: user, fill: { id: subscriptionId }, body: { enabled: true } });
        await call('rotateSubscriptionSecret', { token: user, fill: { id: subscriptionId } });
        await call('recoverSubscription', {
            token: user,
            fill: { id: subscriptionId },
            body: { since: '2020-01-01T00:00:00Z' },
        });
        await call('listDeliveries', { token: user });
        await call('replayDelivery', { token: user, fill: { id: deliveryId } });

        // A parked notification, as the poison drain leaves one (poisoning it for real takes five failed tries).
        const parkedTable = TableClient.fromConnectionString(stack.storageConnectionString, 'parkednotifications', {
            allowInsecureConnection: true,
        });
        await parkedTable.createTable();
        const now = new Date().toISOString();
        await new TableParkedNotificationStore(parkedTable).save({
            id: `${cancellationId}.event.cancelled`,
            tenantId: devTenant.tenantId,
            state: 'parked',
            message: {
                schemaVersion: 1,
                messageId: `${cancellationId}.event.cancelled`,
                type: 'event.cancelled',
                tenantId: devTenant.tenantId,
                cancellationId,
                occurredAt: now,
            },
            redrives: 2,
            firstParkedAt: now,
            lastParkedAt: now,
        });
        await call('listParkedNotifications', { token: admin });
        await call('redriveParkedNotification', { token: admin, fill: { id: `${cancellationId}.event.cancelled` } });
        await call('reconcile', { token: admin });
        // A bulk cancellation job: its preview (the route's alternative answer), then a job (left to run), then a
        // second job that is stopped at once.
        const jobBody = {
            mailbox: alice.userPrincipalName,
            window: { start: '2020-01-01T00:00:00Z', end: '2024-12-01T00:00:00Z' },
            organized: 'cancel',
            series: 'endBeforeWindow',
            invited: 'decline',
        };
        await call('createCancellationJob', { token: admin, body: { ...jobBody, dryRun: true } });
        await call('previewCancellationJob', { token: admin, body: jobBody });
        const job = (await call('createCancellationJob', { token: admin, body: jobBody })) as { id: string };
        await call('getCancellationJob', { token: admin, fill: { id: job.id } });
        await call('listCancellationJobItems', { token: admin, fill: { id: job.id } });
        await call('listCancellationJobs', { token: admin });
        const second = (await call('createCancellationJob', { token: admin, body: jobBody })) as { id: string };
        await call('stopCancellationJob', { token: admin, fill: { id: second.id } });
        await call('deleteSubscription', { token: user, fill: { id: subscriptionId } });
        // Graph's callbacks (anonymous): an item of a subscription the gateway does not have is dropped, still 202.
        const forged = { value: [{ subscriptionId: 'not-ours', changeType: 'updated', clientState: 'x' }] };
        await call('graphNotifications', { body: forged });
        await call('graphLifecycleNotifications', {
            body: { value: [{ ...forged.value[0], lifecycleEvent: 'missed' }] },
        });

        // A route with no ids and no body needs no recipe: called as a user with every permission.
        for (const route of httpRoutes.filter((r) => !called.has(r.name))) {
            if (!route.template.includes('{') && !route.request?.body) await call(route.name, { token: user });
        }

        expect(problems).toEqual([]);
        expect(httpRoutes.map((r) => r.name).filter((name) => !called.has(name))).toEqual([]);
        // Every route in sequence: on a loaded 2-core machine this takes longer than Jest's default 30 s.
    }, 120_000);
});
