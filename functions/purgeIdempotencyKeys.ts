import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

app.timer('purgeIdempotencyKeys', {
    // Hourly, off the hour: keys live at least 24 h, so an hour's delay in removing them costs nothing.
    schedule: '0 17 * * * *',
    handler: handlerOnFirstUse(() => firstUseCode().purgeIdempotencyTimerHandler()),
});
