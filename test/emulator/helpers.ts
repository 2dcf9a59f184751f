import type { AdminItem } from '../support/emulatorAdmin';

export type { AdminItem };
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';
import { startGraphEmulator, type RunningGraphEmulator } from '../../dev/graph-emulator/server';
import { type Fixture } from '../../dev/graph-emulator/fixture';

export const alice = 'alice@contoso.test';
export const bob = 'bob@contoso.test';
export const carol = 'carol@contoso.test';
export const allRoles = [
    'Calendars.ReadWrite',
    'Bookings.ReadWrite.All',
    'GroupMember.Read.All',
    'User.Read.All',
    'Group.Read.All',
];

/** An app-only Graph token signed with the dev key (what the token endpoint would issue). */
export function appToken(roles: string[] = allRoles, extra: Parameters<typeof mintToken>[0] = {}): string {
    return mintToken({
        app: devTenant.gatewayGraphClient.clientId,
        roles,
        audience: graphAudience,
        version: 1,
        ...extra,
    });
}

export interface Reply {
    status: number;
    headers: Headers;
    text: string;
    json: Record<string, unknown>;
}

export class Client {
    constructor(
        readonly emulator: RunningGraphEmulator,
        public token: string | undefined = appToken(),
    ) {}

    get url(): string {
        return this.emulator.url;
    }

    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
        const init: RequestInit = { method, headers: { ...headers } };
        const h = init.headers as Record<string, string>;
        if (this.token !== undefined && h.Authorization === undefined) h.Authorization = `Bearer ${this.token}`;
        if (body !== undefined) {
            if (typeof body === 'string' || Buffer.isBuffer(body)) {
                init.body = body;
            } else {
                init.body = JSON.stringify(body);
                h['Content-Type'] ??= 'application/json';
            }
        }
        const res = await fetch(`${this.url}${path}`, init);
        const text = await res.text();
        let json: Record<string, unknown> = {};
        try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
            json = {};
        }
        return { status: res.status, headers: res.headers, text, json };
    }

    get(path: string, headers?: Record<string, string>): Promise<Reply> {
        return this.call('GET', path, undefined, headers);
    }

    post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
        return this.call('POST', path, body, headers);
    }

    delete(path: string): Promise<Reply> {
        return this.call('DELETE', path);
    }

    /** Admin API (no auth). */
    async admin(method: string, path: string, body?: unknown): Promise<Reply> {
        const saved = this.token;
        this.token = undefined;
        try {
            return await this.call(method, `/_emulator${path}`, body);
        } finally {
            this.token = saved;
        }
    }

    async reset(fixture?: Fixture): Promise<void> {
        const reply = await this.admin('POST', '/reset', fixture);
        if (reply.status !== 200) throw new Error(`reset failed: ${reply.text}`);
    }

    async mailbox(user: string): Promise<AdminItem[]> {
        const reply = await this.admin('GET', `/mailboxes/${encodeURIComponent(user)}/events`);
        return reply.json.value as AdminItem[];
    }
}

export async function startEmulator(fixture?: Fixture): Promise<{ emulator: RunningGraphEmulator; client: Client }> {
    const emulator = await startGraphEmulator({ port: 0, tlsPort: 0, fixture });
    return { emulator, client: new Client(emulator) };
}

export interface EmulatorUnderTest {
    readonly emulator: RunningGraphEmulator;
    /** Holds an app token with every role (`allRoles`). */
    readonly client: Client;
}

/**
 * Call at the top of a test file: starts one emulator for the file and closes it afterwards. By default the demo
 * seed is restored before each test, so no test sees another's cancellations. The accessors work inside hooks
 * and tests only, once the emulator is running.
 */
export function useEmulator(options: { resetEachTest?: boolean } = {}): EmulatorUnderTest {
    let started: { emulator: RunningGraphEmulator; client: Client } | undefined;
    const running = (): { emulator: RunningGraphEmulator; client: Client } => {
        if (!started) throw new Error('emulator not started: use it inside a hook or test');
        return started;
    };
    beforeAll(async () => {
        started = await startEmulator();
    });
    afterAll(async () => {
        await started?.emulator.close();
    });
    if (options.resetEachTest ?? true) {
        beforeEach(async () => {
            await running().client.reset();
        });
    }
    return {
        get emulator() {
            return running().emulator;
        },
        get client() {
            return running().client;
        },
    };
}

export function errorOf(reply: Reply): { code: string; message: string; innerError: Record<string, string> } {
    return reply.json.error as { code: string; message: string; innerError: Record<string, string> };
}

export const enc = encodeURIComponent;
