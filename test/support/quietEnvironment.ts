import { format } from 'node:util';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';

/** Enough to see what led up to a failure without burying Jest's own report. */
const maxHeldLines = 400;

function fullName(test: Circus.TestEntry): string {
    const names: string[] = [test.name];
    for (let block = test.parent; block.parent; block = block.parent) names.unshift(block.name);
    return names.join(' › ');
}

/**
 * Jest's node environment that holds what a test prints (the app's logs, the local host's output that
 * test/support/stack.ts forwards, the tests' own notes) and shows it only when that test, or a hook around it,
 * failed: a passing run is quiet, a failing test comes with its logs. What is held for a test runs from its start to
 * the start of the next test, so output that arrives just after a failure (the host's lines come through a pipe) stays
 * with it; what `beforeAll` prints shows when `beforeAll` fails.
 */
export default class QuietEnvironment extends TestEnvironment {
    private readonly jestConsole: Console;
    private held: string[] = [];
    private failed: string[] = [];

    constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
        super(config, context);
        this.jestConsole = context.console;
    }

    override async setup(): Promise<void> {
        await super.setup();
        const hold =
            (prefix: string) =>
            (...args: unknown[]): void => {
                this.held.push(prefix + format(...args));
            };
        const quiet: Partial<Console> = {
            log: hold(''),
            info: hold(''),
            debug: hold(''),
            dir: hold(''),
            warn: hold('warn: '),
            error: hold('error: '),
            trace: hold('trace: '),
        };
        this.global.console = Object.assign(Object.create(this.jestConsole) as Console, quiet);
    }

    handleTestEvent(event: Circus.Event): void {
        switch (event.name) {
            case 'test_start':
            case 'run_finish':
                this.closeWindow();
                break;
            case 'test_done':
                if (event.test.errors.length > 0) this.failed.push(fullName(event.test));
                break;
            case 'hook_failure':
                this.failed.push(`${event.hook.type} of ${event.test ? fullName(event.test) : event.hook.parent.name}`);
                break;
            default:
                break;
        }
    }

    override async teardown(): Promise<void> {
        this.closeWindow();
        await super.teardown();
    }

    private closeWindow(): void {
        if (this.failed.length > 0 && this.held.length > 0) {
            const left = this.held.length - maxHeldLines;
            const lines = left > 0 ? [`(${left} earlier lines left out)`, ...this.held.slice(left)] : this.held;
            // `log`, not `error`: Jest prints a code frame of this file under an error, which says nothing here.
            this.jestConsole.log(`output around the failure of ${this.failed.join('; ')}:\n${lines.join('\n')}`);
        }
        this.held = [];
        this.failed = [];
    }
}
