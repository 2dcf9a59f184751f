import * as fs from 'node:fs';

/** Resident memory of a process, from /proc/<pid>/status (Linux). */
export interface ProcessMemory {
    /** VmRSS: resident now. */
    readonly rssMiB: number;
    /** VmHWM: the highest resident size since the process started. */
    readonly peakRssMiB: number;
}

function kibField(status: string, name: string): number {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!match) throw new Error(`/proc status has no ${name}`);
    return Number(match[1]) / 1024;
}

export function processMemory(pid: number): ProcessMemory {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMiB: kibField(status, 'VmRSS'), peakRssMiB: kibField(status, 'VmHWM') };
}
