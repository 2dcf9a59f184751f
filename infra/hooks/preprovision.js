// azd `preprovision` hook (azure.yaml): checks the azd environment before anything is deployed, so that a
// combination that deploys an app which then refuses to start fails here, with the fix, instead. azd passes the
// environment's values (`azd env get-values`) as environment variables. Plain Node, no dependencies: it runs before
// `npm install` and on Windows as on Linux. test/infra/preprovision.test.ts runs it.
'use strict';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What is wrong with the azd environment `env`, each with the command that fixes it; empty when it can deploy. */
function environmentProblems(env) {
    const value = (name) => (env[name] ?? '').trim();
    const problems = [];
    for (const name of ['GATEWAY_API_CLIENT_ID']) {
        if (!guid.test(value(name))) {
            problems.push(`${name} must be the API app registration's client id (a GUID): azd env set ${name} <id>`);
        }
    }
    if (value('GATEWAY_API_APP_ID_URI') === '') {
        problems.push(
            'GATEWAY_API_APP_ID_URI must be the API app registration\'s Application ID URI: azd env set GATEWAY_API_APP_ID_URI "api://<client id>"',
        );
    }
    if (value('GATEWAY_TENANT_ID') !== '' && !guid.test(value('GATEWAY_TENANT_ID'))) {
        problems.push('GATEWAY_TENANT_ID must be a tenant id (a GUID), or unset for the tenant being deployed to');
    }
    const secret = value('GRAPH_CLIENT_SECRET');
    const clientId = value('GRAPH_CLIENT_ID');
    if (secret !== '' && !guid.test(clientId)) {
        problems.push(
            'GRAPH_CLIENT_SECRET is set but GRAPH_CLIENT_ID is not the client id (a GUID) of the app registration the secret belongs to: ' +
                'azd env set GRAPH_CLIENT_ID <id>, or unset the secret to call Graph as the managed identity (azd env set GRAPH_CLIENT_SECRET "")',
        );
    }
    if (secret === '' && clientId !== '') {
        problems.push(
            'GRAPH_CLIENT_ID is set without GRAPH_CLIENT_SECRET; it is used only with a secret (without one the gateway calls Graph as its managed identity): ' +
                'azd env set GRAPH_CLIENT_SECRET <secret>, or azd env set GRAPH_CLIENT_ID ""',
        );
    }
    const policy = value('TENANT_POLICY_BASE64');
    if (policy !== '') {
        let parsed;
        try {
            parsed = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
        } catch {
            parsed = undefined;
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
            problems.push(
                'TENANT_POLICY_BASE64 is not the base64 of a JSON object (docs/tenant-policy.md): ' +
                    "node -e \"process.stdout.write(Buffer.from(require('fs').readFileSync('tenant-policy.json')).toString('base64'))\"",
            );
        }
    }
    return problems;
}

module.exports = { environmentProblems };

if (require.main === module) {
    const problems = environmentProblems(process.env);
    if (problems.length > 0) {
        console.error('The azd environment cannot give a working Cancel Gateway:');
        for (const problem of problems) console.error(`- ${problem}`);
        console.error('See docs/deploy.md.');
        process.exitCode = 1;
    } else {
        console.log('azd environment checked: the gateway settings are complete.');
    }
}
