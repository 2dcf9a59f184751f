import { demoFixture } from '../../dev/graph-emulator/demoTenant';
import { type Fixture } from '../../dev/graph-emulator/fixture';
import { type Client, alice, bob, carol, enc } from './helpers';
import { type GraphReceiver } from './graphReceiver';

export const dave = 'dave@contoso.test';
/** The organizer's item id of "Feed review" (alice; bob, carol and dave attend). */
export const feedReviewId = 'FeedReview';

/** The demo tenant plus dave and "Feed review" tomorrow, organised by alice with three attendees in the tenant. */
export function feedFixture(now = Date.now()): Fixture {
    const base = demoFixture(now);
    const start = new Date(now + 24 * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    return {
        ...base,
        users: [
            ...base.users,
            {
                id: '4d4d4d4d-0000-4000-8000-00000000dave',
                userPrincipalName: dave,
                displayName: 'Dave Dev',
                mail: dave,
            },
        ],
        events: [
            ...(base.events ?? []),
            {
                id: feedReviewId,
                subject: 'Feed review',
                organizer: alice,
                start: start.toISOString(),
                end: new Date(start.getTime() + 3_600_000).toISOString(),
                attendees: [bob, carol, dave],
            },
        ],
    };
}

/** An `expirationDateTime` `minutes` after now. */
export function inMinutes(minutes: number): string {
    return new Date(Date.now() + minutes * 60_000).toISOString();
}

/** Subscribes `app` to `mailbox`'s events with notifications to `receiver` at `/{name}` (and `/{name}-lifecycle`). */
export async function subscribe(
    client: Client,
    receiver: GraphReceiver,
    mailbox: string,
    name: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = { Prefer: 'IdType="ImmutableId"' },
): Promise<{ id: string; clientState: string }> {
    const clientState = `secret-${name}`;
    const reply = await client.post(
        '/v1.0/subscriptions',
        {
            changeType: 'updated,deleted',
            notificationUrl: receiver.url(`/${name}`),
            lifecycleNotificationUrl: receiver.url(`/${name}-lifecycle`),
            resource: `/users/${enc(mailbox)}/events`,
            expirationDateTime: inMinutes(60),
            clientState,
            ...extra,
        },
        headers,
    );
    if (reply.status !== 201) throw new Error(`subscribe ${mailbox} failed: ${reply.status} ${reply.text}`);
    return { id: reply.json.id as string, clientState };
}
