import { type GatewayConfig, parseConfig } from '../config/config';
import { summarizePolicy } from '../domain/access/summarizePolicy';
import { onFirstUse } from './onFirstUse';

/**
 * The process's app settings, parsed once per copy of this module. The deployed bundle has two copies (the entry
 * and its first-use chunk, dev/package/bundle.ts): the chunk's parses again, silently, when the first function runs.
 */
export const appConfig: () => GatewayConfig = onFirstUse(() => parseConfig(process.env));

let announced = false;

/**
 * Called by every function entry while the worker loads it: a bad setting throws a ConfigError here, so the host
 * refuses to start and names the setting, although the services are built only on the first call.
 */
export function checkSettingsAtLoad(): GatewayConfig {
    const config = appConfig();
    if (!announced) {
        announced = true;
        console.info(
            `Cancel Gateway (${config.environment}), tenant ${config.tenantId}. ${summarizePolicy(config.tenantPolicy)}`,
        );
    }
    return config;
}
