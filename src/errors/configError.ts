/** Bad or missing app settings: the app must not start. */
export class ConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid configuration; the app will not start:\n  - ${problems.join('\n  - ')}`);
        this.name = 'ConfigError';
    }
}
