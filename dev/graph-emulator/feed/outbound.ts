import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { ensureDevTls } from '../../tls/devCa';

/** What a receiver answered, or why there was no answer. */
export type OutboundResult =
    { kind: 'answered'; status: number; contentType: string; body: string } | { kind: 'failed'; error: string };

/** Largest answer body read from a receiver (a validation token echo is short). */
const maxAnswerBytes = 64 * 1024;

let trusted: string[] | undefined;

/** The public roots plus the dev CA, so a local `https://localhost` receiver with the dev certificate is trusted. */
function trustedCas(): string[] {
    trusted ??= [...rootCertificates, ensureDevTls().caPem];
    return trusted;
}

/**
 * POSTs `body` to `url` as Graph does to a subscriber (handshake or notification), giving up after `timeoutMs`.
 * Plain `http:` is accepted here only because subscription creation refuses it before anything is sent.
 */
export function postToReceiver(
    url: URL,
    body: string,
    contentType: string,
    timeoutMs: number,
): Promise<OutboundResult> {
    return new Promise((resolve) => {
        let settled = false;
        const settle = (result: OutboundResult): void => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve(result);
        };
        const options: https.RequestOptions = {
            method: 'POST',
            headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
            agent: false,
        };
        const request =
            url.protocol === 'https:'
                ? https.request(url, { ...options, ca: trustedCas() })
                : http.request(url, options);
        const timer = setTimeout(() => {
            request.destroy();
            settle({ kind: 'failed', error: `no answer within ${timeoutMs} ms` });
        }, timeoutMs);
        timer.unref();
        request.on('error', (error) => settle({ kind: 'failed', error: error.message }));
        request.on('response', (response) => {
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
                size += chunk.length;
                if (size <= maxAnswerBytes) chunks.push(chunk);
            });
            response.on('error', (error) => settle({ kind: 'failed', error: error.message }));
            response.on('end', () =>
                settle({
                    kind: 'answered',
                    status: response.statusCode ?? 0,
                    contentType: String(response.headers['content-type'] ?? ''),
                    body: Buffer.concat(chunks).toString('utf8'),
                }),
            );
        });
        request.end(body);
    });
}
