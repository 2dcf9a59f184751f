import { isAddressAllowed } from '../../src/adapters/webhooks/ssrfPolicy';
import { type AddressCategory, classifyAddress, ipv6Bytes } from '../../src/net/addressClassification';
import {
    assertAllowedTargetUrl,
    parseTargetUrl,
    type ResolvedAddress,
    type Resolver,
} from '../../src/adapters/webhooks/targetRules';
import { WebhookTargetRefused, WebhookTransportError } from '../../src/domain/webhooks/sender';

const table: readonly (readonly [string, AddressCategory])[] = [
    // Public: allowed.
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.216.34', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2002:808:808::1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    // IPv4.
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['192.0.0.8', 'reserved'],
    ['192.88.99.1', 'reserved'],
    // IPv6.
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'benchmarking'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'reserved'],
    // IPv4 inside IPv6: the embedded address decides.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:7F00:0001', 'loopback'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:168.63.129.16', 'metadata'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['::8.8.8.8', 'reserved'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['::ffff:0:8.8.8.8', 'reserved'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::192.168.0.1', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'metadata'],
    ['2002:c0a8:101::1', 'private'],
    // Not addresses.
    ['localhost', 'invalid'],
    ['127.1', 'invalid'],
    ['0x7f000001', 'invalid'],
    ['', 'invalid'],
    ['2606:4700:4700::1111%eth0', 'invalid'],
];

describe('classifyAddress', () => {
    it.each(table)('%s is %s', (address, category) => {
        expect(classifyAddress(address).category).toBe(category);
    });

    it.each(table)('%s is allowed only when public (no allowLoopback)', (address, category) => {
        expect(isAddressAllowed(classifyAddress(address), { allowLoopback: false })).toBe(category === 'public');
    });

    it('allowLoopback adds 127/8 and ::1 written directly, and nothing else', () => {
        const allowed = table
            .filter(([address]) => isAddressAllowed(classifyAddress(address), { allowLoopback: true }))
            .map(([address]) => address);
        const publicOnes = table.filter(([, category]) => category === 'public').map(([address]) => address);
        expect(allowed.sort()).toEqual(
            [...publicOnes, '127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1'].sort(),
        );
    });

    it('reports the embedded IPv4 address', () => {
        expect(classifyAddress('::ffff:7f00:1')).toMatchObject({
            family: 6,
            embedding: 'ipv4-mapped',
            embeddedIpv4: '127.0.0.1',
        });
        expect(classifyAddress('64:ff9b::a00:5')).toMatchObject({ embedding: 'nat64', embeddedIpv4: '10.0.0.5' });
        expect(classifyAddress('2002:a00:5::1')).toMatchObject({ embedding: '6to4', embeddedIpv4: '10.0.0.5' });
    });

    it('parses IPv6 text to bytes', () => {
        const hex = (address: string): string => Buffer.from(ipv6Bytes(address) ?? []).toString('hex');
        expect(hex('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
        expect(hex('::ffff:1.2.3.4')).toBe('00000000000000000000ffff01020304');
        expect(hex('fe80::')).toBe('fe800000000000000000000000000000');
        expect(ipv6Bytes('1.2.3.4')).toBeUndefined();
        expect(ipv6Bytes('1::2::3')).toBeUndefined();
    });
});

/** A resolver that answers from a table and records the names asked; never real DNS. */
function stubResolver(answers: Record<string, readonly string[]>): Resolver & { asked: string[] } {
    const asked: string[] = [];
    const resolve = (hostname: string): Promise<readonly ResolvedAddress[]> => {
        asked.push(hostname);
        const addresses = answers[hostname];
        if (addresses === undefined) {
            return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        }
        return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    };
    return Object.assign(resolve, { asked });
}

describe('assertAllowedTargetUrl', () => {
    const noDns = stubResolver({});
    const strict = { allowLoopback: false, resolve: noDns };
    const dev = { allowLoopback: true, resolve: noDns };

    it.each([
        ['http://hooks.example.com/x', 'only https'],
        ['ftp://hooks.example.com/x', 'only https'],
        ['file:///etc/passwd', 'only https'],
        ['https://127.0.0.1/x', 'loopback'],
        ['https://[::1]/x', 'loopback'],
        ['https://10.0.0.1/x', 'private'],
        ['https://[::ffff:127.0.0.1]/x', 'ipv4-mapped'],
        ['https://[::ffff:a00:1]/x', 'private'],
        ['https://169.254.169.254/latest/meta-data', 'metadata'],
        ['https://168.63.129.16/machine', 'metadata'],
        ['https://[fd00:ec2::254]/latest', 'metadata'],
        ['https://0x7f000001/x', 'loopback'],
        ['https://2130706433/x', 'loopback'],
        ['https://0177.0.0.1/x', 'loopback'],
        ['https://127.1/x', 'loopback'],
        ['https://0/x', 'unspecified'],
        ['https://[::]/x', 'unspecified'],
        ['https://user:pass@hooks.example.com/x', 'credentials'],
        ['https://user@hooks.example.com/x', 'credentials'],
        ['https://hooks.example.com:8443/x', 'port 443'],
        ['https://hooks.example.com:80/x', 'port 443'],
        ['https://8.8.8.8:444/x', 'port 443'],
        ['not a url', 'not an absolute URL'],
    ])('refuses %s (%s)', async (url, reason) => {
        const error = await assertAllowedTargetUrl(url, strict).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebhookTargetRefused);
        expect((error as Error).message).toContain(reason);
        // None of these needed a name resolved.
        expect(noDns.asked).toEqual([]);
    });

    it('never leaks credentials into the message', async () => {
        await expect(assertAllowedTargetUrl('https://user:s3cret@hooks.example.com/', strict)).rejects.toThrow(
            /^(?!.*s3cret)/,
        );
    });

    it('accepts public IP literals without resolving anything', async () => {
        await expect(assertAllowedTargetUrl('https://8.8.8.8/hook?x=1', strict)).resolves.toMatchObject({
            host: '8.8.8.8',
            port: 443,
            ipLiteral: true,
            addresses: [{ address: '8.8.8.8', family: 4 }],
        });
        await expect(assertAllowedTargetUrl('https://[2606:4700:4700::1111]:443/', strict)).resolves.toMatchObject({
            host: '2606:4700:4700::1111',
            ipLiteral: true,
        });
        expect(noDns.asked).toEqual([]);
    });

    it('resolves a name and accepts it when every address is public', async () => {
        const resolve = stubResolver({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
        const target = await assertAllowedTargetUrl('https://hooks.example.com/in', { allowLoopback: false, resolve });
        expect(target.addresses.map((a) => a.address)).toEqual(['93.184.216.34', '2606:2800:220:1::1']);
        expect(resolve.asked).toEqual(['hooks.example.com']);
    });

    it.each([
        [['10.0.0.5']],
        [['93.184.216.34', '10.0.0.5']],
        [['169.254.169.254']],
        [['::ffff:10.0.0.5']],
        [['2606:2800:220:1::1', 'fd00::1']],
        [['127.0.0.1']],
    ])('refuses a public-looking name resolving to %j, without naming the address', async (addresses) => {
        const resolve = stubResolver({ 'rebind.example.com': addresses });
        const error = await assertAllowedTargetUrl('https://rebind.example.com/', {
            allowLoopback: false,
            resolve,
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WebhookTargetRefused);
        expect((error as Error).message).toContain('rebind.example.com resolves to a non-public address');
        for (const address of addresses) expect((error as Error).message).not.toContain(address);
    });

    it('refuses a name that does not exist; a DNS failure is a transport error', async () => {
        await expect(assertAllowedTargetUrl('https://nowhere.example/', strict)).rejects.toThrow(WebhookTargetRefused);
        const broken: Resolver = () =>
            Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }));
        await expect(
            assertAllowedTargetUrl('https://hooks.example.com/', { allowLoopback: false, resolve: broken }),
        ).rejects.toThrow(WebhookTransportError);
        const empty: Resolver = () => Promise.resolve([]);
        await expect(
            assertAllowedTargetUrl('https://hooks.example.com/', { allowLoopback: false, resolve: empty }),
        ).rejects.toThrow(WebhookTargetRefused);
    });

    it('answers localhost as loopback without DNS (the default resolver, RFC 6761)', async () => {
        await expect(assertAllowedTargetUrl('https://localhost/', { allowLoopback: false })).rejects.toThrow(
            /localhost resolves to a non-public address/,
        );
        const target = await assertAllowedTargetUrl('http://localhost:7071/hook', { allowLoopback: true });
        expect(target.addresses.map((a) => a.address)).toEqual(['127.0.0.1', '::1']);
    });

    describe('with allowLoopback (development)', () => {
        it.each([
            'http://127.0.0.1:7071/hook',
            'https://127.0.0.1/hook',
            'http://[::1]:8080/',
            'https://127.0.0.1:9999/',
            'https://8.8.8.8/',
        ])('allows %s', async (url) => {
            await expect(assertAllowedTargetUrl(url, dev)).resolves.toMatchObject({ ipLiteral: true });
        });

        it.each([
            ['http://10.0.0.1/', 'private'],
            ['https://10.0.0.1/', 'private'],
            ['http://169.254.169.254/latest/meta-data', 'metadata'],
            ['https://168.63.129.16/', 'metadata'],
            ['http://[::ffff:127.0.0.1]:8080/', 'ipv4-mapped'],
            ['http://[64:ff9b::7f00:1]/', 'nat64'],
            ['http://192.168.1.10:8080/', 'private'],
            ['http://8.8.8.8/', 'loopback only'],
            ['https://8.8.8.8:8443/', 'loopback only'],
            ['http://user:pw@127.0.0.1:8080/', 'credentials'],
        ])('still refuses %s (%s)', async (url, reason) => {
            const error = await assertAllowedTargetUrl(url, dev).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(WebhookTargetRefused);
            expect((error as Error).message).toContain(reason);
        });

        it('http to a name needs every address to be loopback', async () => {
            const resolve = stubResolver({ 'dev.test': ['127.0.0.1'], 'mixed.test': ['127.0.0.1', '10.0.0.5'] });
            await expect(
                assertAllowedTargetUrl('http://dev.test:7071/', { allowLoopback: true, resolve }),
            ).resolves.toMatchObject({ loopbackOnly: true });
            await expect(
                assertAllowedTargetUrl('http://mixed.test:7071/', { allowLoopback: true, resolve }),
            ).rejects.toThrow(/^(?!.*10\.0\.0\.5).*mixed\.test resolves to a non-public address/);
            const publicName = stubResolver({ 'public.test': ['8.8.8.8'] });
            await expect(
                assertAllowedTargetUrl('http://public.test:7071/', { allowLoopback: true, resolve: publicName }),
            ).rejects.toThrow(/^(?!.*8\.8\.8\.8).*public\.test resolves to a non-loopback address/);
        });
    });

    it('parseTargetUrl needs no DNS and normalises the host', () => {
        expect(parseTargetUrl('https://Hooks.Example.COM./a?b=1#frag', { allowLoopback: false })).toMatchObject({
            host: 'hooks.example.com.',
            port: 443,
            protocol: 'https:',
            ipLiteral: false,
            loopbackOnly: false,
        });
        expect(parseTargetUrl('https://[::1]:8443/', { allowLoopback: true })).toMatchObject({
            host: '::1',
            port: 8443,
            ipLiteral: true,
            loopbackOnly: true,
        });
    });
});
