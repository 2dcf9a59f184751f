import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { purgeIdempotencyTimerHandler } from '../src/triggers/purgeIdempotencyTimer';

const { idempotency } = getServices();

app.timer('purgeIdempotencyKeys', {
    // Hourly, off the hour: keys live at least 24 h, so an hour's delay in removing them costs nothing.
    schedule: '0 17 * * * *',
    handler: purgeIdempotencyTimerHandler(idempotency.store),
});
