import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

const config = checkSettingsAtLoad();

app.timer('reconcileTimer', {
    // Six-field NCRONTAB from the RECONCILE_SCHEDULE setting, resolved by the host.
    schedule: '%RECONCILE_SCHEDULE%',
    runOnStartup: config.reconcile.runOnStartup,
    handler: handlerOnFirstUse(() => firstUseCode().reconcileTimerHandler()),
});
