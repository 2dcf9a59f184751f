const dayMs = 86_400_000;

/** The calendar view a delta sync covers: from one day back (a meeting just started can still be cancelled) ahead. */
export function deltaWindow(now: Date, windowDays: number): { readonly start: string; readonly end: string } {
    return {
        start: new Date(now.getTime() - dayMs).toISOString(),
        end: new Date(now.getTime() + windowDays * dayMs).toISOString(),
    };
}
