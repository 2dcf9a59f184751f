import { ConcurrencyConflict } from '../shared/stored';
import { ItemClaimed } from './store';

/** A write made before this request's Graph call lost to another writer (so deciding again is safe). */
export class AnotherWriterFirst extends Error {
    constructor(readonly lost: Error) {
        super(lost.message);
        this.name = 'AnotherWriterFirst';
    }
}

export function unwrap(error: unknown): unknown {
    return error instanceof AnotherWriterFirst ? error.lost : error;
}

/** Runs a write that precedes any Graph call, marking a lost race so the caller may decide again. */
export async function beforeGraph<T>(write: () => Promise<T>): Promise<T> {
    try {
        return await write();
    } catch (error) {
        if (error instanceof ItemClaimed || error instanceof ConcurrencyConflict) throw new AnotherWriterFirst(error);
        throw error;
    }
}
