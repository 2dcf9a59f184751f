import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { buildConnectorSwagger } from '../../src/http/openapi';
import { repoRoot } from '../paths';
import { deploymentConnector } from './deployment';

/** `connector/apiDefinition.swagger.json`, where the generator writes it. */
export const apiDefinitionPath = path.join(repoRoot, 'connector', 'apiDefinition.swagger.json');

/** Where `--host …` writes a deployment's copy; ignored by git (.gitignore). */
export const deploymentConnectorDir = path.join(repoRoot, 'connector', 'deployment');

/** The definition as committed: generated from the zod schemas, formatted with the repo's Prettier settings. */
export async function renderApiDefinition(): Promise<string> {
    const options = (await resolveConfig(apiDefinitionPath)) ?? {};
    return format(JSON.stringify(buildConnectorSwagger(), null, 4), { ...options, filepath: apiDefinitionPath });
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            host: { type: 'string' },
            'app-id-uri': { type: 'string' },
            'tenant-id': { type: 'string' },
            'client-id': { type: 'string' },
            out: { type: 'string', default: deploymentConnectorDir },
        },
    });
    if (values.host === undefined) {
        writeFileSync(apiDefinitionPath, await renderApiDefinition());
        console.log(`wrote ${path.relative(repoRoot, apiDefinitionPath)}`);
        return;
    }
    const connector = deploymentConnector({
        host: values.host,
        appIdUri: values['app-id-uri'] ?? '',
        tenantId: values['tenant-id'] ?? '',
        connectorClientId: values['client-id'] ?? '',
    });
    mkdirSync(values.out, { recursive: true });
    writeFileSync(
        path.join(values.out, 'apiDefinition.swagger.json'),
        JSON.stringify(connector.apiDefinition, null, 4),
    );
    writeFileSync(path.join(values.out, 'apiProperties.json'), JSON.stringify(connector.apiProperties, null, 4));
    copyFileSync(path.join(repoRoot, 'connector', 'icon.png'), path.join(values.out, 'icon.png'));
    console.log(`wrote the connector for ${values.host} to ${path.relative(process.cwd(), values.out) || '.'}`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
