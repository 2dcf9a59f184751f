import type { InvocationContext, Timer } from '@azure/functions';
import { type RenewalDeps, type RenewalSummary, renewSubscriptions } from '../domain/feed/renewal';
import { log } from '../observability/logger';
import { withLogScope } from '../observability/logScope';

/** The one line a pass logs. */
export function renewalLine(summary: Exclude<RenewalSummary, { off: true }>): string {
    const s = summary;
    return (
        `feed: watching ${s.watched} mailboxes; subscriptions created ${s.created}, renewed ${s.renewed}, ` +
        `deleted ${s.deleted}, failed ${s.failed}` +
        (s.throttled ? ' (Graph throttled: the next tick goes on)' : '') +
        (s.unknown.length > 0 ? `; not in the directory: ${s.unknown.slice(0, 20).join(', ')}` : '')
    );
}

/**
 * Timer function (FEED_RENEWAL_SCHEDULE): one pass that creates, renews and deletes the feed's Graph
 * subscriptions. While the feed is off it does nothing and says why once per process.
 */
export function graphFeedTimerHandler(deps: RenewalDeps) {
    let saidOff = false;
    return function graphFeedTimer(_timer: Timer, context: InvocationContext): Promise<void> {
        return withLogScope(context, {}, async () => {
            const summary = await renewSubscriptions(deps);
            if (summary.off) {
                if (!saidOff) log.info(`feed: off (${summary.reason}); the timer does nothing`);
                saidOff = true;
                return;
            }
            saidOff = false;
            log.info(renewalLine(summary));
        });
    };
}
