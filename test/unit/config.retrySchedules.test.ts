import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../src/config/config';
import { ConfigError } from '../../src/errors/configError';
import { cancelRetryDelaysMs } from '../../src/domain/reconciliation/reconciler';
import { retryScheduleMs } from '../../src/domain/webhooks/delivery';

const sample = JSON.parse(fs.readFileSync(path.join(__dirname, '../../local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
};

describe('retry delay settings (WEBHOOK_RETRY_SCHEDULE_SECONDS, RECONCILE_RETRY_DELAYS_SECONDS)', () => {
    const { WEBHOOK_RETRY_SCHEDULE_SECONDS: _w, RECONCILE_RETRY_DELAYS_SECONDS: _r, ...withoutThem } = sample.Values;

    it('default to the schedules the domain documents, as does the sample', () => {
        for (const values of [withoutThem, sample.Values]) {
            const config = parseConfig(values);
            expect(config.webhooks.retryScheduleMs).toEqual(retryScheduleMs);
            expect(config.reconcile.retryDelaysMs).toEqual(cancelRetryDelaysMs);
        }
    });

    it('parse comma-separated seconds, fractions and spaces allowed, to milliseconds', () => {
        const config = parseConfig({
            ...sample.Values,
            WEBHOOK_RETRY_SCHEDULE_SECONDS: '0, 0.2,1.5 ,30',
            RECONCILE_RETRY_DELAYS_SECONDS: '2',
        });
        expect(config.webhooks.retryScheduleMs).toEqual([0, 200, 1_500, 30_000]);
        expect(config.reconcile.retryDelaysMs).toEqual([2_000]);
    });

    it.each([
        ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '', /must be a comma-separated list of non-negative seconds/],
        ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '0,5,,10', /must be a comma-separated list of non-negative seconds/],
        ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '0,-5', /must be a comma-separated list of non-negative seconds/],
        ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '0,5m', /must be a comma-separated list of non-negative seconds/],
        ['WEBHOOK_RETRY_SCHEDULE_SECONDS', Array(101).fill('1').join(','), /must list 1 to 100 delays/],
        ['RECONCILE_RETRY_DELAYS_SECONDS', 'soon', /must be a comma-separated list of non-negative seconds/],
        ['RECONCILE_RETRY_DELAYS_SECONDS', Array(21).fill('1').join(','), /must list 1 to 20 delays/],
    ])('refuse %s=%j, naming the setting', (name, value, message) => {
        let thrown: unknown;
        try {
            parseConfig({ ...sample.Values, [name]: value });
        } catch (error) {
            thrown = error;
        }
        expect(thrown).toBeInstanceOf(ConfigError);
        expect((thrown as ConfigError).problems).toEqual([
            expect.stringMatching(new RegExp(`^${name}: ${message.source}`)),
        ]);
    });
});
