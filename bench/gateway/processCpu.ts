import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`; 100 on every Linux this runs on). */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat (Linux). */
export function processCpuMs(pid: number): number {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime] = [Number(fields[11]), Number(fields[12])];
    return ((utime + stime) * 1000) / ticksPerSecond;
}

/** The processes of the stack, pid by role, whose CPU a run is charged with. */
export type StackProcesses = Readonly<Record<string, number>>;

/** CPU ms per cancel each role used between `cpuMeter(…)` and `perCancel(cancels)`. */
export function cpuMeter(processes: StackProcesses): { perCancel(cancels: number): Record<string, number> } {
    const before = Object.fromEntries(Object.entries(processes).map(([role, pid]) => [role, processCpuMs(pid)]));
    return {
        perCancel: (cancels) =>
            Object.fromEntries(
                Object.entries(processes).map(([role, pid]) => [
                    role,
                    (processCpuMs(pid) - (before[role] ?? 0)) / cancels,
                ]),
            ),
    };
}

/** `host 14.7, azurite 12.0, …`. */
export function describeCpu(perCancelMs: Readonly<Record<string, number>>): string {
    return Object.entries(perCancelMs)
        .map(([role, value]) => `${role} ${value.toFixed(1)}`)
        .join(', ');
}
