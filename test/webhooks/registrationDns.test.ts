import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { dnsResolver } from '../../src/adapters/webhooks/dnsResolver';
import { registrationTargetCheck } from '../../src/adapters/webhooks/registrationCheck';
import type { Resolver } from '../../src/adapters/webhooks/targetRules';
import { SubscriptionService } from '../../src/domain/webhooks/subscriptionService';
import { AppError } from '../../src/errors/appError';
import { MemorySubscriptionStore } from './memorySubscriptionStore';
import { creator, t0 } from './subscriptionFixture';

/** Subscription registration with the real target check over the given resolver (a fake at the DNS port). */
function registration(options: { resolve: Resolver; dnsTimeoutMs: number }) {
    const store = new MemorySubscriptionStore();
    const service = new SubscriptionService({
        store,
        clock: { now: () => t0 },
        newId: () => 'sub-1',
        randomBytes: (size) => randomBytes(size),
        validateTarget: registrationTargetCheck({ allowLoopback: false, ...options }),
        settings: { allowLoopback: false, secretGraceMs: 3_600_000 },
    });
    return {
        store,
        register: (notificationUrl: string) =>
            service.create(creator, { notificationUrl, eventTypes: ['event.cancelled'] }).then(
                () => {
                    throw new Error('expected a refusal');
                },
                (error: unknown) => {
                    if (error instanceof AppError) return error;
                    throw error;
                },
            ),
    };
}

describe('webhook registration: DNS lookups are bounded and reveal no address', () => {
    it('refuses with 400 a name whose lookup never answers, once the DNS timeout passes, and tells the resolver to stop', async () => {
        const signals: AbortSignal[] = [];
        const never: Resolver = (_hostname, signal) => {
            signals.push(signal);
            return new Promise(() => undefined);
        };
        const { register, store } = registration({ resolve: never, dnsTimeoutMs: 20 });
        const error = await register('https://silent.example.com/hook');
        expect(error).toMatchObject({ status: 400, code: 'invalidNotificationUrl' });
        expect(error.message).toContain('could not resolve silent.example.com: no answer within 20 ms');
        expect(signals.map((signal) => signal.aborted)).toEqual([true]);
        expect(store.rows.size).toBe(0);
    });

    it.each([['10.1.2.3'], ['169.254.169.254'], ['::ffff:192.168.7.9'], ['fd12:3456::1']])(
        'says a name resolving to %s resolves to a non-public address, without the address',
        async (address) => {
            const resolve: Resolver = () => Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
            const error = await registration({ resolve, dnsTimeoutMs: 1_000 }).register('https://inside.example.com/');
            expect(error).toMatchObject({ status: 400, code: 'invalidNotificationUrl' });
            expect(error.message).toContain('inside.example.com resolves to a non-public address');
            expect(error.message).not.toContain(address);
        },
    );

    describe('the c-ares resolver, against a name server that never answers', () => {
        let server: Socket;
        let queries = 0;
        let address: string;
        beforeAll(async () => {
            server = createSocket('udp4');
            server.on('message', () => queries++);
            await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
            address = `127.0.0.1:${server.address().port}`;
        });
        afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

        it('gives up after its timeout, and the registration is refused with 400', async () => {
            const resolve = dnsResolver({ timeoutMs: 50, servers: [address] });
            const error = await registration({ resolve, dnsTimeoutMs: 5_000 }).register('https://silent.example.com/');
            expect(error).toMatchObject({ status: 400, code: 'invalidNotificationUrl' });
            expect(error.message).toMatch(/could not resolve silent\.example\.com/);
            expect(queries).toBeGreaterThan(0);
        });

        it('is cancelled when the caller gives up first', async () => {
            const resolve = dnsResolver({ timeoutMs: 60_000, servers: [address] });
            const error = await registration({ resolve, dnsTimeoutMs: 30 }).register('https://silent.example.org/');
            expect(error.message).toContain('could not resolve silent.example.org: no answer within 30 ms');
        });

        it('answers localhost with the loopback addresses without asking DNS (RFC 6761)', async () => {
            const before = queries;
            const resolve = dnsResolver({ timeoutMs: 50, servers: [address] });
            await expect(resolve('localhost', new AbortController().signal)).resolves.toEqual([
                { address: '127.0.0.1', family: 4 },
                { address: '::1', family: 6 },
            ]);
            expect(queries).toBe(before);
        });
    });
});
