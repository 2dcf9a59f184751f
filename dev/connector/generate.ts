import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildConnectorSwagger } from '../../src/http/openapi';
import { repoRoot } from '../paths';

/** `connector/apiDefinition.swagger.json`, where the generator writes it. */
export const apiDefinitionPath = path.join(repoRoot, 'connector', 'apiDefinition.swagger.json');

/** The definition as committed: generated from the zod schemas, formatted with the repo's Prettier settings. */
export async function renderApiDefinition(): Promise<string> {
    const options = (await resolveConfig(apiDefinitionPath)) ?? {};
    return format(JSON.stringify(buildConnectorSwagger(), null, 4), { ...options, filepath: apiDefinitionPath });
}

async function main(): Promise<void> {
    writeFileSync(apiDefinitionPath, await renderApiDefinition());
    console.log(`wrote ${path.relative(repoRoot, apiDefinitionPath)}`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
