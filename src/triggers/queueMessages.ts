import type { InvocationContext } from '@azure/functions';
import * as z from 'zod';
import type { JsonQueue } from '../adapters/queues/jsonQueue';
import { log } from '../observability/logger';

/** The storage queue message id from the trigger metadata (correlates a message's log lines). */
export function queueMessageId(context: InvocationContext): string | undefined {
    const id = context.triggerMetadata?.id;
    return typeof id === 'string' ? id : undefined;
}

/**
 * Parses a queue message with its schema. A message that can never succeed (wrong shape) is moved to
 * `<queue>-poison` with the reason logged and the invocation ends normally: five host retries would only repeat
 * the same failure (a crash loop) before the host poisons it anyway.
 */
export async function parseOrPark<T>(
    message: unknown,
    schema: z.core.$ZodType<T>,
    poison: JsonQueue,
    context: InvocationContext,
): Promise<T | undefined> {
    const parsed = z.safeParse(schema, message);
    if (parsed.success) return parsed.data;
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
    log.error(`message ${String(context.triggerMetadata?.id)} moved to ${poison.client.name}: ${reason}`);
    await poison.send(message);
    return undefined;
}
