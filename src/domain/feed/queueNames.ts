/**
 * The feed's queue names, on their own so that the function entries register their triggers at load without loading
 * the message schemas (docs/architecture.md, "Cold start").
 */

/** Between the feed's intake (HTTP, timers) and its classification worker (src/domain/feed/changeMessage.ts). */
export const graphChangesQueueName = 'graph-changes';

/** Between the lifecycle endpoint and the function that does what Graph asked (src/domain/feed/lifecycleMessage.ts). */
export const graphLifecycleQueueName = 'graph-lifecycle';
