import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

app.timer('feedBookingsPoll', {
    // Six-field NCRONTAB from the FEED_BOOKINGS_SCHEDULE setting, resolved by the host.
    schedule: '%FEED_BOOKINGS_SCHEDULE%',
    handler: handlerOnFirstUse(() => firstUseCode().bookingsPollTimerHandler()),
});
