/**
 * The notifications queue's name, on its own so that the function entries register its triggers at load without
 * loading the Storage SDK (docs/architecture.md, "Cold start").
 */
export const notificationsQueueName = 'notifications';
