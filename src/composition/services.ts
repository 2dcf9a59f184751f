import { createGraphCredential } from '../adapters/graph/credential';
import { graphProbe } from '../adapters/graph/graphProbe';
import { storageProbe } from '../adapters/storage/storageProbe';
import { type GatewayConfig, parseConfig } from '../config/config';
import type { HealthProbe } from '../health/checkHealth';

/** What the function handlers depend on, built once from config. */
export interface Services {
    readonly config: GatewayConfig;
    readonly healthProbes: readonly HealthProbe[];
}

export function createServices(config: GatewayConfig): Services {
    const credential = createGraphCredential(config);
    return {
        config,
        healthProbes: [storageProbe(config.storageConnection), graphProbe(credential, config.graph.baseUrl)],
    };
}

let services: Services | undefined;

/**
 * The composition root, built on first use from the process's app settings. A bad setting throws here,
 * while the function modules load, so the host refuses to start and prints which setting is wrong.
 */
export function getServices(): Services {
    services ??= createServices(parseConfig(process.env));
    return services;
}
