/** The part of autocannon 8's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
    namespace autocannon {
        interface RequestParams {
            method?: string;
            path?: string;
            headers?: Record<string, string>;
            body?: string | Buffer;
        }
        type RequestContext = Record<string, unknown>;
        interface Request extends RequestParams {
            /** Called right before the request is written (for a connection's first request: when it is created). */
            setupRequest?: (request: RequestParams, context: RequestContext) => RequestParams;
            onResponse?: (
                status: number,
                body: string,
                context: RequestContext,
                headers: Record<string, string>,
            ) => void;
        }
        interface Options {
            url: string;
            connections?: number;
            pipelining?: number;
            amount?: number;
            timeout?: number;
            requests?: Request[];
            headers?: Record<string, string>;
        }
        interface Result {
            duration: number;
            errors: number;
            timeouts: number;
            non2xx: number;
            requests: { average: number; total: number };
            latency: { p50: number; p99: number; average: number };
        }
    }
    function autocannon(
        options: autocannon.Options,
        done: (error: Error | null, result: autocannon.Result) => void,
    ): void;
    export = autocannon;
}
