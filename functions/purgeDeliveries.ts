import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

app.timer('purgeDeliveries', {
    // Hourly, off the hour and away from the idempotency purge: retention is counted in days.
    schedule: '0 37 * * * *',
    handler: handlerOnFirstUse(() => firstUseCode().purgeDeliveriesTimerHandler()),
});
