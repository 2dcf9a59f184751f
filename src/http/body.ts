import type { HttpRequest } from '@azure/functions';
import { AppError, BadRequestError } from '../errors/appError';

/** Cancel bodies are a comment or a message: 64 KiB is far above any real one and bounds what is buffered. */
export const maxBodyBytes = 64 * 1024;

const malformedJson =
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

/**
 * Reads a JSON object body as Graph accepts it: empty is allowed (optional parameters), otherwise it must be
 * `application/json`, at most {@link maxBodyBytes}, and a JSON object. The body is read with a running count
 * so an oversized one is refused without being buffered whole.
 */
export async function readJsonObject(
    request: HttpRequest,
    maxBytes: number = maxBodyBytes,
): Promise<Record<string, unknown>> {
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const text = await readCapped(request, maxBytes);
    if (text.trim() === '') return {};
    const contentType = request.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
        throw new AppError(415, 'UnsupportedMediaType', 'The request body must be application/json.');
    }
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new BadRequestError('BadRequest', malformedJson);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new BadRequestError('BadRequest', malformedJson);
    }
    return value as Record<string, unknown>;
}

function tooLarge(maxBytes: number): AppError {
    return new AppError(413, 'RequestEntityTooLarge', `The request body is larger than ${maxBytes} bytes.`);
}

async function readCapped(request: HttpRequest, maxBytes: number): Promise<string> {
    if (!request.body) return '';
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
            await reader.cancel();
            throw tooLarge(maxBytes);
        }
        chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
}

/**
 * Graph action parameters: each name may appear in any of its accepted spellings (Graph's docs use both
 * `comment` and `Comment`); anything else is refused with OData's message for an unknown parameter.
 */
export function actionParameters(
    body: Record<string, unknown>,
    operation: string,
    parameters: Record<string, readonly string[]>,
): Record<string, string | undefined> {
    const result: Record<string, string | undefined> = {};
    const spellings = new Map<string, string>();
    for (const [name, accepted] of Object.entries(parameters)) for (const s of accepted) spellings.set(s, name);
    for (const [key, value] of Object.entries(body)) {
        const name = spellings.get(key);
        if (!name) {
            throw new BadRequestError(
                'BadRequest',
                `The parameter '${key}' in the request payload is not a valid parameter for the operation '${operation}'.`,
            );
        }
        if (result[name] !== undefined) {
            throw new BadRequestError('BadRequest', `The parameter '${name}' is given more than once.`);
        }
        if (value !== null && typeof value !== 'string') {
            throw new BadRequestError('BadRequest', `The parameter '${key}' must be a string.`);
        }
        result[name] = value ?? undefined;
    }
    return result;
}
