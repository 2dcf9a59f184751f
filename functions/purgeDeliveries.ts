import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { purgeDeliveriesTimerHandler } from '../src/triggers/purgeDeliveriesTimer';

const { config, deliveries } = getServices();

app.timer('purgeDeliveries', {
    // Hourly, off the hour and away from the idempotency purge: retention is counted in days.
    schedule: '0 37 * * * *',
    handler: purgeDeliveriesTimerHandler(config.tenantId, deliveries, config.webhooks.deliveryRetentionMs),
});
