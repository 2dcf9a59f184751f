import * as readline from 'node:readline';

/**
 * Asks one question on the terminal. Resolves the answer, or undefined on Ctrl-C or end of input (readline turns
 * Ctrl-C into its own event while it reads, so the process signal does not fire during a question).
 */
export function ask(question: string): Promise<string | undefined> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    return new Promise((resolve) => {
        let answered = false;
        const finish = (answer: string | undefined) => {
            if (answered) return;
            answered = true;
            rl.close();
            resolve(answer);
        };
        rl.on('SIGINT', () => {
            process.stdout.write('\n');
            finish(undefined);
        });
        rl.on('close', () => finish(undefined));
        rl.question(question, (answer) => finish(answer.trim()));
    });
}

export const isYes = (answer: string | undefined): boolean => answer !== undefined && /^(y|yes)$/i.test(answer);
