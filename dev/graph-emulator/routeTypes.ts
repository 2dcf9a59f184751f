import { type Api, type Principal } from './auth';
import { type EmuRequest, type EmuResponse } from './http';
import { type EmulatorState } from './state';

export type Version = 'v1.0' | 'beta';

export interface RouteContext {
    state: EmulatorState;
    req: EmuRequest;
    version: Version;
    principal: Principal;
}

export type Owner = { kind: 'me' } | { kind: 'user'; ref: string } | { kind: 'group'; ref: string };

/** A matched Graph route: which methods it takes, what they need, whose mailbox it touches, and its handler. */
export interface Route {
    api: Api | 'batch';
    methods: readonly string[];
    /** Roles/scopes accepted for a method (any one suffices); undefined = no check. */
    permissions?: (method: string) => readonly string[];
    owner?: Owner;
    /** Mailbox (or business) the call touches, for the concurrency limit and the request log. */
    mailbox?: (ctx: RouteContext) => string | undefined;
    handle: (ctx: RouteContext) => EmuResponse | Promise<EmuResponse>;
}

export const graphBase = 'https://graph.microsoft.com';

export function odataContext(version: Version, fragment: string): string {
    return `${graphBase}/${version}/$metadata#${fragment}`;
}
