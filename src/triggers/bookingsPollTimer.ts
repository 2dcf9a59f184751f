import type { InvocationContext, Timer } from '@azure/functions';
import { type BookingsPollDeps, pollBookings } from '../domain/feed/bookingsPoll';
import { log } from '../observability/logger';
import { withLogScope } from '../observability/logScope';

/** Timer function: one tick of the Bookings poll (a failed business waits for the next tick), one summary line. */
export function bookingsPollTimerHandler(deps: BookingsPollDeps) {
    return function bookingsPollTimer(timer: Timer, context: InvocationContext): Promise<void> {
        return withLogScope(context, {}, async () => {
            if (deps.businesses.length === 0) return;
            if (timer.isPastDue) log.warn('bookings poll: running late (the host was down or busy at the due time)');
            const s = await pollBookings(deps);
            log.info(
                `bookings poll: ${s.businesses} businesses, ${s.appointments} appointments in the window, ` +
                    `${s.cancelled} cancelled, ${s.ended} ended, ${s.moved} moved out, ${s.failed} left for next tick`,
            );
        });
    };
}
