import type * as http from 'node:http';
import * as https from 'node:https';
import { type AddressInfo } from 'node:net';
import { ensureDevTls } from '../../dev/tls/devCa';

/** How a path answers Graph's validation handshake. */
export type ValidationAnswer = 'echo' | 'wrongToken' | 'noAnswer' | { status: number };

/** One POST of change or lifecycle notifications, as received. */
export interface ReceivedBatch {
    path: string;
    /** What the receiver answered. */
    status: number;
    value: Record<string, unknown>[];
}

interface PathBehaviour {
    validation: ValidationAnswer;
    /** Answers for the next notification POSTs (then 202). */
    failures: number[];
}

/**
 * A small HTTPS subscriber for Graph change notifications (dev certificate, `https://localhost:{port}`): answers
 * the validation handshake (echo by default, or as told per path), records every notification batch, and can fail
 * the next ones. For emulator tests and for the gateway's e2e tests that need a stand-in subscriber.
 */
export class GraphReceiver {
    readonly batches: ReceivedBatch[] = [];
    readonly validations: { path: string; token: string; contentType: string }[] = [];
    private readonly behaviours = new Map<string, PathBehaviour>();
    private readonly hanging = new Set<() => void>();

    private constructor(
        private readonly server: https.Server,
        readonly port: number,
    ) {}

    static async start(): Promise<GraphReceiver> {
        const tls = ensureDevTls();
        const holder: { receiver?: GraphReceiver } = {};
        const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => holder.receiver?.handle(req, res, Buffer.concat(chunks).toString('utf8')));
        });
        await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
        holder.receiver = new GraphReceiver(server, (server.address() as AddressInfo).port);
        return holder.receiver;
    }

    /** `https://localhost:{port}{path}` */
    url(path = '/notify'): string {
        return `https://localhost:${this.port}${path}`;
    }

    /** How `path` answers the next validation handshakes. */
    answerValidation(path: string, answer: ValidationAnswer): void {
        this.behaviour(path).validation = answer;
    }

    /** The next `count` notification POSTs to `path` get `status`. */
    failNext(path: string, count: number, status = 503): void {
        for (let i = 0; i < count; i += 1) this.behaviour(path).failures.push(status);
    }

    /** Notifications accepted (2xx) at `path` (every path when undefined), flattened from their batches. */
    received(path?: string): Record<string, unknown>[] {
        return this.batches
            .filter((b) => (path === undefined || b.path === path) && b.status >= 200 && b.status < 300)
            .flatMap((b) => b.value);
    }

    /** Forgets what was received and every per-path behaviour. */
    clear(): void {
        this.batches.length = 0;
        this.validations.length = 0;
        this.behaviours.clear();
    }

    async close(): Promise<void> {
        for (const finish of this.hanging) finish();
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
        });
    }

    private behaviour(path: string): PathBehaviour {
        let b = this.behaviours.get(path);
        if (!b) {
            b = { validation: 'echo', failures: [] };
            this.behaviours.set(path, b);
        }
        return b;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
        const url = new URL(req.url ?? '/', 'https://localhost');
        const path = url.pathname;
        const behaviour = this.behaviour(path);
        const token = url.searchParams.get('validationToken');
        if (token !== null) {
            this.validations.push({ path, token, contentType: String(req.headers['content-type'] ?? '') });
            const answer = behaviour.validation;
            if (answer === 'noAnswer') {
                this.hanging.add(() => res.destroy());
                return;
            }
            if (typeof answer === 'object') {
                res.writeHead(answer.status).end();
                return;
            }
            res.writeHead(200, { 'Content-Type': 'text/plain' }).end(answer === 'echo' ? token : `${token}x`);
            return;
        }
        const status = behaviour.failures.shift() ?? 202;
        let value: Record<string, unknown>[] = [];
        try {
            value = (JSON.parse(body) as { value: Record<string, unknown>[] }).value;
        } catch {
            value = [];
        }
        this.batches.push({ path, status, value });
        res.writeHead(status).end();
    }
}
