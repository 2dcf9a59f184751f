/** What is wrong with the azd environment `env`, each with the command that fixes it; empty when it can deploy. */
export function environmentProblems(env: Record<string, string | undefined>): string[];
