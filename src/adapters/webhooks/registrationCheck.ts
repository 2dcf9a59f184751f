import { BadRequestError } from '../../errors/appError';
import type { ValidateTarget } from '../../domain/webhooks/subscriptionService';
import { WebhookTargetRefused, WebhookTransportError } from '../../domain/webhooks/sender';
import { assertAllowedTargetUrl, type TargetRuleOptions } from './targetRules';

/**
 * The registration-time check of a notification URL: the same address rules the sender applies at connect time,
 * on what the name resolves to now, answered as a 400 the caller can act on.
 */
export function registrationTargetCheck(options: TargetRuleOptions): ValidateTarget {
    return async function validateTarget(url) {
        try {
            await assertAllowedTargetUrl(url, options);
        } catch (error) {
            if (error instanceof WebhookTargetRefused || error instanceof WebhookTransportError) {
                throw new BadRequestError('invalidNotificationUrl', `notificationUrl is not allowed: ${error.message}`);
            }
            throw error;
        }
    };
}
