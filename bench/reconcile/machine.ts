import * as os from 'node:os';

/** One line naming the machine a figure was measured on. */
export function describeMachine(): string {
    const cpus = os.cpus();
    const model = cpus[0]?.model.trim() ?? 'unknown CPU';
    const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
    return (
        `machine: ${model}, ${cpus.length} logical cores (available parallelism ${os.availableParallelism()}), ` +
        `${memoryGiB} GiB memory, ${os.type()} ${os.release()} ${os.arch()}, node ${process.version}`
    );
}
