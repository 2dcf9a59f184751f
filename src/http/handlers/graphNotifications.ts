import * as z from 'zod';
import { acceptChangeNotifications, acceptLifecycleNotifications, type IntakeDeps } from '../../domain/feed/intake';
import { BadRequestError } from '../../errors/appError';
import { readJsonObject } from '../body';
import type { RouteHandler } from '../routes/contract';

/**
 * Graph batches notifications; a batch is far below this, which is the host's own request limit
 * (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT), so an oversized body is refused here with Graph's envelope.
 */
export const maxNotificationBodyBytes = 1024 * 1024;
/** Items read from one batch: more is not a batch Graph sends. */
const maxItems = 1_000;
/** Graph's validation tokens are short opaque strings; a longer one is not Graph's. */
const maxValidationTokenChars = 4_096;

const itemSchema = z
    .object({
        subscriptionId: z.string().min(1).max(200),
        clientState: z.string().max(256).nullish(),
        tenantId: z.string().max(100).nullish(),
        changeType: z.string().max(100).nullish(),
        lifecycleEvent: z.string().max(100).nullish(),
        resourceData: z
            .object({ id: z.string().max(400).nullish() })
            .loose()
            .nullish(),
    })
    .loose();
const batchSchema = z.object({ value: z.array(itemSchema).min(1).max(maxItems) }).loose();

/**
 * `POST /api/graph/notifications` and `POST /api/graph/lifecycle`: anonymous at the HTTP level, each item
 * authenticated by its subscription's `clientState`.
 *
 * - `?validationToken=…` (Graph's handshake when a subscription is created): the token, decoded, as `text/plain`,
 *   at once, whatever the body.
 * - otherwise Graph's `{ value: [...] }`: each item checked and queued, 202 with no body. Items that fail the check
 *   are dropped and still answered 202, so Graph does not send forged data again; a body that is not such a batch
 *   is Graph's 400 envelope (415 for another content type, 413 when oversized).
 */
export function graphNotificationsHandler(
    kind: 'changes' | 'lifecycle',
    deps: IntakeDeps,
): RouteHandler<undefined, undefined, undefined, undefined> {
    const accept = kind === 'changes' ? acceptChangeNotifications : acceptLifecycleNotifications;
    return async ({ request }) => {
        const token = request.query.get('validationToken');
        if (token !== null) {
            if (token.length > maxValidationTokenChars) {
                throw new BadRequestError('BadRequest', 'The validationToken is too long.');
            }
            return {
                status: 200,
                headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
                body: token,
            };
        }
        const batch = batchSchema.safeParse(await readJsonObject(request, maxNotificationBodyBytes));
        if (!batch.success) {
            const issue = batch.error.issues[0];
            throw new BadRequestError(
                'BadRequest',
                `Not a notification batch: '${issue?.path.join('.') || 'value'}' ${issue?.message ?? 'is invalid'}.`,
            );
        }
        await accept(batch.data.value, deps);
        return { status: 202 };
    };
}
