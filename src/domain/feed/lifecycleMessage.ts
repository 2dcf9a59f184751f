import * as z from 'zod';

/**
 * One lifecycle notification Graph sent for a feed subscription, with its `clientState` already checked:
 * `reauthorizationRequired` (renew now), `subscriptionRemoved` (create it again), `missed` (delta catch-up).
 */
export const lifecycleMessageSchema = z.strictObject({
    schemaVersion: z.literal(1),
    lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']),
    subscriptionId: z.string().min(1).max(200),
    mailbox: z.string().min(1).max(200),
    observedAt: z.iso.datetime(),
});

export type LifecycleMessage = z.infer<typeof lifecycleMessageSchema>;

export interface LifecycleQueue {
    enqueue(message: LifecycleMessage): Promise<void>;
}
