import type { TokenCredential } from '@azure/identity';
import { demoFixture } from '../../dev/graph-emulator/demoTenant';
import { startGraphEmulator, type RunningGraphEmulator } from '../../dev/graph-emulator/server';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';
import { GraphClient } from '../../src/adapters/graph/graphClient';
import { graphFinding, graphProbe, outcomeOf, permissionText } from '../../src/adapters/graph/graphProbe';
import { ServiceUnavailableError } from '../../src/errors/appError';
import { UpstreamError } from '../../src/errors/upstreamError';

const refused = (status: number, code: string) => new UpstreamError(status, code, 'Graph said no.', 'rejected', 'r-1');

describe('what a failed probe read says about its permission', () => {
    it.each<[string, unknown, string]>([
        ['403 from the directory', refused(403, 'Authorization_RequestDenied'), 'missing: User.Read.All'],
        ['403 from Exchange', refused(403, 'ErrorAccessDenied'), 'missing: User.Read.All'],
        [
            '401',
            refused(401, 'InvalidAuthenticationToken'),
            'token refused: Graph answered 401 InvalidAuthenticationToken',
        ],
        ['404', refused(404, 'ErrorItemNotFound'), 'untested: Graph answered 404 ErrorItemNotFound'],
        ['a 5xx', refused(502, 'UnknownError'), 'unavailable: Graph answered 502 UnknownError'],
        [
            'no answer',
            new UpstreamError(
                504,
                'gatewayTimeout',
                'Microsoft Graph did not answer: socket hang up',
                'unknown',
                undefined,
            ),
            'unavailable: Microsoft Graph did not answer: socket hang up',
        ],
        [
            'no token',
            new ServiceUnavailableError(
                'Could not get a token for Microsoft Graph: AADSTS7000215: Invalid client secret',
            ),
            'unavailable: Could not get a token for Microsoft Graph: AADSTS7000215: Invalid client secret',
        ],
    ])('%s', (_case, error, text) => {
        expect(permissionText([outcomeOf(error, 'User.Read.All')])).toBe(text);
    });

    it('names every refused permission of an area, and puts Graph being unusable before them', () => {
        const users = outcomeOf(refused(403, 'Authorization_RequestDenied'), 'User.Read.All');
        const groups = outcomeOf(refused(403, 'Authorization_RequestDenied'), 'GroupMember.Read.All');
        expect(permissionText([users, groups])).toBe('missing: User.Read.All, GroupMember.Read.All');
        expect(permissionText([users, { kind: 'ok' }])).toBe('missing: User.Read.All');
        expect(permissionText([users, outcomeOf(refused(503, 'serviceNotAvailable'), 'x')])).toBe(
            'unavailable: Graph answered 503 serviceNotAvailable',
        );
    });

    it('is degraded when Graph answers but refuses a permission, down when Graph cannot be used at all', () => {
        const ok = [{ kind: 'ok' as const }];
        expect(graphFinding({ calendars: ok, bookings: ok })).toEqual({
            status: 'up',
            permissions: { calendars: 'ok', bookings: 'ok' },
        });
        expect(
            graphFinding({ calendars: ok, bookings: [{ kind: 'missing', permission: 'Bookings.ReadWrite.All' }] }),
        ).toEqual({
            status: 'degraded',
            reason: 'bookings: missing: Bookings.ReadWrite.All',
            permissions: { calendars: 'ok', bookings: 'missing: Bookings.ReadWrite.All' },
        });
        expect(graphFinding({ calendars: [{ kind: 'untested', detail: 'Graph answered 404' }] }).status).toBe(
            'degraded',
        );
        expect(
            graphFinding({ calendars: ok, bookings: [{ kind: 'tokenRefused', detail: 'Graph answered 401' }] }).status,
        ).toBe('down');
    });
});

describe('the Graph probe against the emulator, by the roles of the gateway app', () => {
    let emulator: RunningGraphEmulator;
    beforeAll(async () => {
        emulator = await startGraphEmulator({ port: 0, tlsPort: 0, fixture: demoFixture() });
    });
    afterAll(() => emulator.close());

    const everyRole = ['Calendars.ReadWrite', 'Bookings.ReadWrite.All', 'GroupMember.Read.All', 'User.Read.All'];
    const without = (...roles: string[]) => everyRole.filter((role) => !roles.includes(role));

    function probeWith(roles: string[], calendarMailbox?: string) {
        const credential: TokenCredential = {
            getToken: () =>
                Promise.resolve({
                    token: mintToken({
                        app: devTenant.gatewayGraphClient.clientId,
                        roles,
                        audience: graphAudience,
                        version: 1,
                        issuerHost: emulator.tlsUrl,
                    }),
                    expiresOnTimestamp: Date.now() + 3_600_000,
                }),
        };
        const graph = new GraphClient({ baseUrl: emulator.tlsUrl, credential, timeoutMs: 10_000, retryDeadlineMs: 0 });
        return graphProbe(graph, { calendarMailbox }).check(AbortSignal.timeout(20_000));
    }

    it('is up with every role, each permission ok', async () => {
        expect(await probeWith(everyRole)).toEqual({
            status: 'up',
            permissions: { calendars: 'ok', bookings: 'ok', directory: 'ok' },
        });
    });

    it('names Bookings.ReadWrite.All when the app lacks it, the rest ok', async () => {
        expect(await probeWith(without('Bookings.ReadWrite.All'))).toEqual({
            status: 'degraded',
            reason: 'bookings: missing: Bookings.ReadWrite.All',
            permissions: { calendars: 'ok', bookings: 'missing: Bookings.ReadWrite.All', directory: 'ok' },
        });
    });

    it("names the calendar permission with the mailbox it read (the tenant policy's)", async () => {
        const finding = await probeWith(without('Calendars.ReadWrite'), 'carol@contoso.test');
        expect(finding?.permissions).toEqual({
            calendars: 'missing: Calendars.ReadWrite (mailbox carol@contoso.test)',
            bookings: 'ok',
            directory: 'ok',
        });
    });

    it('names each directory permission missing, and cannot pick a mailbox without the directory', async () => {
        const finding = await probeWith(without('User.Read.All', 'GroupMember.Read.All'));
        expect(finding).toMatchObject({
            status: 'degraded',
            permissions: {
                calendars: 'untested: no mailbox to read (the directory listing failed)',
                bookings: 'ok',
                directory: 'missing: User.Read.All, GroupMember.Read.All',
            },
        });
    });

    it('says a named mailbox Graph does not know is untested, not missing', async () => {
        const finding = await probeWith(everyRole, 'nobody@contoso.test');
        expect(finding?.permissions?.calendars).toMatch(
            /^untested: Graph answered 404 .* \(mailbox nobody@contoso\.test\)$/,
        );
    });
});
