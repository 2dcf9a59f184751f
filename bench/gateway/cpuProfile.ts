import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../dev/paths';

/** The parts of V8's `.cpuprofile` format (what `node --cpu-prof` writes) the summary reads. */
interface CpuProfile {
    readonly nodes: readonly {
        readonly id: number;
        readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    }[];
    readonly samples: readonly number[];
    readonly timeDeltas: readonly number[];
}

/** Where a frame's code lives: a package, Node's internals, or a file of this repository. */
function areaOf(url: string, functionName: string): string {
    if (url === '') return functionName === '' ? '(anonymous native)' : functionName;
    if (url.startsWith('node:')) return 'node internals';
    const modules = url.lastIndexOf('/node_modules/');
    if (modules >= 0) {
        const rest = url.slice(modules + '/node_modules/'.length).split('/');
        return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
    }
    const file = url.replace(/^file:\/\//, '');
    const relative = path.relative(repoRoot, file);
    return relative.startsWith('..') ? file : path.dirname(relative);
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
    const file =
        frame.url === '' ? '' : ` ${path.basename(frame.url.replace(/^file:\/\//, ''))}:${frame.lineNumber + 1}`;
    return `${frame.functionName || '(anonymous)'}${file}`;
}

function top(totals: Map<string, number>, all: number, n: number): string[] {
    return [...totals]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(
            ([name, us]) =>
                `  ${((100 * us) / all).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
        );
}

/** Self time of a profile by area and by function, the largest first. */
export function summarizeCpuProfile(file: string, functions = 25): string[] {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const byArea = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let all = 0;
    profile.samples.forEach((id, index) => {
        const node = byId.get(id);
        const us = profile.timeDeltas[index] ?? 0;
        if (!node) return;
        all += us;
        const area = areaOf(node.callFrame.url, node.callFrame.functionName);
        byArea.set(area, (byArea.get(area) ?? 0) + us);
        const name = frameName(node.callFrame);
        byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    });
    return [
        `profile ${file}: ${(all / 1000).toFixed(0)} ms sampled; self time by area:`,
        ...top(byArea, all, 15),
        'self time by function:',
        ...top(byFunction, all, functions),
    ];
}

/** The `.cpuprofile` files in `dir`. */
export function cpuProfilesIn(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => path.join(dir, name));
}
