import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { bookingsPollTimerHandler } from '../src/triggers/bookingsPollTimer';

const { bookingsPoll } = getServices();

app.timer('feedBookingsPoll', {
    // Six-field NCRONTAB from the FEED_BOOKINGS_SCHEDULE setting, resolved by the host.
    schedule: '%FEED_BOOKINGS_SCHEDULE%',
    handler: bookingsPollTimerHandler(bookingsPoll),
});
