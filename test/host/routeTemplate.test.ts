import { RouteTable } from '../../dev/host/http/routeTable';
import { RouteTemplate } from '../../dev/host/http/routeTemplate';

const seg = (path: string): string[] => path.split('/').filter((s) => s !== '');

describe('route templates (ASP.NET syntax, as the Functions host uses it)', () => {
    it('matches literals case-insensitively and keeps parameter values as sent', () => {
        const t = new RouteTemplate('users/{id}/events');
        expect(t.match(seg('USERS/Alice/Events'))).toEqual({ id: 'Alice' });
        expect(t.match(seg('users/alice'))).toBeUndefined();
        expect(t.match(seg('users/alice/events/x'))).toBeUndefined();
    });

    it('applies inline constraints', () => {
        expect(new RouteTemplate('{n:int}').match(['12'])).toEqual({ n: '12' });
        expect(new RouteTemplate('{n:int}').match(['2147483648'])).toBeUndefined();
        expect(new RouteTemplate('{n:long}').match(['2147483648'])).toEqual({ n: '2147483648' });
        expect(new RouteTemplate('{b:bool}').match(['TRUE'])).toEqual({ b: 'TRUE' });
        expect(new RouteTemplate('{x:alpha}').match(['abc1'])).toBeUndefined();
        expect(new RouteTemplate('{g:guid}').match(['3F2504E0-4F89-11D3-9A0C-0305E82C3301'])).toBeDefined();
        expect(new RouteTemplate('{g:guid}').match(['not-a-guid'])).toBeUndefined();
        expect(new RouteTemplate('{s:minlength(3):maxlength(4)}').match(['ab'])).toBeUndefined();
        expect(new RouteTemplate('{s:minlength(3):maxlength(4)}').match(['abcd'])).toEqual({ s: 'abcd' });
        expect(new RouteTemplate('{s:length(2)}').match(['ab'])).toEqual({ s: 'ab' });
        expect(new RouteTemplate('{n:range(1,5)}').match(['6'])).toBeUndefined();
        expect(new RouteTemplate('{n:min(2)}').match(['1'])).toBeUndefined();
        expect(new RouteTemplate('{v:regex(^v[[0-9]]+$)}').match(['v12'])).toBeDefined();
        expect(() => new RouteTemplate('{x:nonsense}')).toThrow(/Unknown route constraint/);
    });

    it('supports optional parameters, defaults, complex segments and catch-all', () => {
        expect(new RouteTemplate('a/{b?}').match(['a'])).toEqual({});
        expect(new RouteTemplate('a/{b=7}').match(['a'])).toEqual({ b: '7' });
        expect(new RouteTemplate('files/{name}.{ext}').match(['files', 'report.pdf'])).toEqual({
            name: 'report',
            ext: 'pdf',
        });
        expect(new RouteTemplate('files/{*path}').match(seg('files/a/b/c.txt'))).toEqual({ path: 'a/b/c.txt' });
        expect(new RouteTemplate('files/{**path}').match(['files'])).toEqual({});
        expect(() => new RouteTemplate('{*a}/b')).toThrow(/catch-all/);
    });

    it('orders by precedence: literal < constrained < parameter < constrained catch-all < catch-all', () => {
        const table = new RouteTable<string>('api');
        table.add('x/{*rest}', ['GET'], 'catchall');
        table.add('x/{*rest:minlength(3)}', ['GET'], 'constrained-catchall');
        table.add('x/{p}', ['GET'], 'param');
        table.add('x/{p:int}', ['GET'], 'int');
        table.add('x/lit', ['GET'], 'literal');
        const hit = (path: string): string | undefined => {
            const r = table.lookup('GET', path);
            return r.kind === 'match' ? r.route.target : r.kind;
        };
        expect(hit('/api/x/lit')).toBe('literal');
        expect(hit('/api/x/5')).toBe('int');
        expect(hit('/api/x/five')).toBe('param');
        expect(hit('/api/x/five/six')).toBe('constrained-catchall');
        expect(hit('/api/x')).toBe('catchall');
        expect(hit('/x/lit')).toBe('notFound');
    });

    it('reports 405 with the allowed methods of every matching route', () => {
        const table = new RouteTable<string>('');
        table.add('r/{id}', ['GET'], 'get');
        table.add('r/{id:int}', ['DELETE'], 'delete');
        expect(table.lookup('PUT', '/r/1')).toEqual({ kind: 'methodNotAllowed', allow: ['DELETE', 'GET'] });
        expect(table.lookup('put', '/r/a')).toEqual({ kind: 'methodNotAllowed', allow: ['GET'] });
        const any = new RouteTable<string>('');
        any.add('all', undefined, 'all');
        expect(any.lookup('OPTIONS', '/all').kind).toBe('match');
    });
});
