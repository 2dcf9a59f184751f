import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyValuesToEnv, HostConfigError, loadSettings, resolveSettingReferences } from '../../dev/host/settings';
import { expandConnectionString, resolveStorageConnection } from '../../dev/host/storage';
import { parseTimeSpan } from '../../dev/host/timeSpan';

describe('host settings (host.json, local.settings.json)', () => {
    let dir: string;
    const write = (name: string, value: unknown): void =>
        fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-settings-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('applies the host defaults', () => {
        write('host.json', { version: '2.0' });
        const s = loadSettings(dir, {});
        expect(s.routePrefix).toBe('api');
        expect(s.queues).toEqual({
            batchSize: 16,
            newBatchThreshold: 8,
            maxPollingIntervalMs: 60_000,
            visibilityTimeoutMs: 0,
            maxDequeueCount: 5,
            messageEncoding: 'base64',
        });
        expect(s.localSettingsFile).toBeUndefined();
    });

    it('reads extensions.http and extensions.queues', () => {
        write('host.json', {
            version: '2.0',
            extensions: {
                http: { routePrefix: '' },
                queues: {
                    batchSize: 8,
                    maxPollingInterval: '00:00:02',
                    visibilityTimeout: '00:00:30',
                    maxDequeueCount: 3,
                    messageEncoding: 'none',
                },
            },
        });
        const s = loadSettings(dir, {});
        expect(s.routePrefix).toBe('');
        expect(s.queues).toEqual({
            batchSize: 8,
            newBatchThreshold: 4,
            maxPollingIntervalMs: 2000,
            visibilityTimeoutMs: 30_000,
            maxDequeueCount: 3,
            messageEncoding: 'none',
        });
    });

    it('lets AzureFunctionsJobHost__extensions__queues__* app settings override host.json, environment first', () => {
        write('host.json', { version: '2.0', extensions: { queues: { batchSize: 16, maxDequeueCount: 3 } } });
        write('local.settings.json', {
            Values: {
                AzureFunctionsJobHost__extensions__queues__batchSize: '4',
                AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '2',
            },
        });
        const s = loadSettings(dir, { AzureFunctionsJobHost__extensions__queues__newBatchThreshold: '1' });
        expect(s.queues).toMatchObject({ batchSize: 4, newBatchThreshold: 1, maxDequeueCount: 3 });
        expect(() => loadSettings(dir, { AzureFunctionsJobHost__extensions__queues__batchSize: 'many' })).toThrow(
            /extensions\.queues\.batchSize/,
        );
    });

    it('rejects a bad host.json with a message naming the problem', () => {
        write('host.json', '{"version":"2.0",');
        expect(() => loadSettings(dir, {})).toThrow(/host\.json is not valid JSON/);
        write('host.json', { version: '2.0', extensions: { queues: { batchSize: 64 } } });
        expect(() => loadSettings(dir, {})).toThrow(/extensions\.queues\.batchSize/);
        write('host.json', { version: '2.0', functionTimeout: 'ten minutes' });
        expect(() => loadSettings(dir, {})).toThrow(HostConfigError);
    });

    it('prefers local.settings.json over local.settings.sample.json', () => {
        write('host.json', { version: '2.0' });
        write('local.settings.sample.json', { Values: { A: 'sample' } });
        expect(loadSettings(dir, {}).values).toEqual({ A: 'sample' });
        write('local.settings.json', { Values: { A: 'local', N: 5 }, Host: { LocalHttpPort: 7999 } });
        const s = loadSettings(dir, {});
        expect(s.values).toEqual({ A: 'local', N: '5' });
        expect(s.localHttpPort).toBe(7999);
    });

    it('lets variables already in the environment win over Values', () => {
        const env: NodeJS.ProcessEnv = { A: 'from-env' };
        expect(applyValuesToEnv({ A: 'file', B: 'file' }, env)).toEqual(['B']);
        expect(env).toEqual({ A: 'from-env', B: 'file' });
    });

    it('resolves %NAME% from settings and names a missing one', () => {
        const env = { QUEUE: 'orders', Section__Key: 'nested' };
        expect(resolveSettingReferences('%QUEUE%-in', env)).toBe('orders-in');
        expect(resolveSettingReferences('%Section:Key%', env)).toBe('nested');
        expect(() => resolveSettingReferences('%MISSING%', env)).toThrow(/%MISSING%/);
    });

    it('resolves storage connections like the storage extension', () => {
        expect(resolveStorageConnection(undefined, { AzureWebJobsStorage: 'UseDevelopmentStorage=true' })).toBe(
            expandConnectionString('UseDevelopmentStorage=true'),
        );
        expect(expandConnectionString('UseDevelopmentStorage=true')).toContain(
            'QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1',
        );
        expect(resolveStorageConnection('Mine', { AzureWebJobsMine: 'X=1' })).toBe('X=1');
        expect(() => resolveStorageConnection('Missing', {})).toThrow(/Missing/);
    });

    it('parses TimeSpans', () => {
        expect(parseTimeSpan('00:00:01')).toBe(1000);
        expect(parseTimeSpan('00:00:00.500')).toBe(500);
        expect(parseTimeSpan('01:02')).toBe(3_720_000);
        expect(parseTimeSpan('2.00:00:00')).toBe(172_800_000);
        expect(parseTimeSpan('1 minute')).toBeUndefined();
        expect(parseTimeSpan('00:61:00')).toBeUndefined();
    });
});
