import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import QuietEnvironment from '../support/quietEnvironment';

/** Jest's console as the environment receives it: records what reaches the report. */
function reportConsole() {
    const printed: string[] = [];
    const record = (...args: unknown[]): void => void printed.push(args.map(String).join(' '));
    const console = { log: record, info: record, warn: record, error: record } as unknown as Console;
    return { console, printed };
}

const root = { name: 'ROOT_DESCRIBE_BLOCK' } as Circus.DescribeBlock;
const suite = { name: 'cancel', parent: root } as Circus.DescribeBlock;
const testNamed = (name: string, errors: unknown[] = []) => ({ name, parent: suite, errors }) as Circus.TestEntry;

async function environment() {
    const report = reportConsole();
    const config = {
        globalConfig: {},
        projectConfig: { globals: {}, testEnvironmentOptions: {}, fakeTimers: {} },
    } as unknown as JestEnvironmentConfig;
    const env = new QuietEnvironment(config, { console: report.console } as EnvironmentContext);
    await env.setup();
    const testConsole = env.global.console;
    const run = (test: Circus.TestEntry, print: string, passes: boolean): void => {
        env.handleTestEvent({ name: 'test_start', test });
        testConsole.info(print);
        if (!passes) test.errors.push(new Error('expected 202'));
        env.handleTestEvent({ name: 'test_done', test });
    };
    return { env, testConsole, printed: report.printed, run };
}

describe('the quiet test environment (test/support/quietEnvironment.ts)', () => {
    it('prints nothing for passing tests', async () => {
        const { env, printed, run } = await environment();
        run(testNamed('answers 202'), 'host | HTTP POST /api/v1.0/me/events/EV1/cancel 202', true);
        run(testNamed('answers 404'), 'host | HTTP POST /api/v1.0/me/events/NOPE/cancel 404', true);
        env.handleTestEvent({ name: 'run_finish' });
        await env.teardown();
        expect(printed).toEqual([]);
    });

    it("prints a failed test's output once, with lines that arrive after it failed, and not its neighbours'", async () => {
        const { env, testConsole, printed, run } = await environment();
        run(testNamed('first'), 'first line', true);
        run(testNamed('second'), 'second line', false);
        testConsole.warn('host | Host stopped.');
        run(testNamed('third'), 'third line', true);
        env.handleTestEvent({ name: 'run_finish' });
        await env.teardown();

        expect(printed).toHaveLength(1);
        expect(printed[0]).toBe(
            'output around the failure of cancel › second:\nsecond line\nwarn: host | Host stopped.',
        );
    });

    it('prints what beforeAll printed when beforeAll fails', async () => {
        const { env, testConsole, printed } = await environment();
        testConsole.info('host | listening on 127.0.0.1:7071');
        env.handleTestEvent({
            name: 'hook_failure',
            error: new Error('host did not start'),
            hook: { type: 'beforeAll', parent: suite } as Circus.Hook,
        });
        env.handleTestEvent({ name: 'test_start', test: testNamed('answers 202') });
        await env.teardown();
        expect(printed).toEqual([
            'output around the failure of beforeAll of cancel:\nhost | listening on 127.0.0.1:7071',
        ]);
    });
});
