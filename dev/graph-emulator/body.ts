import { GraphError, malformedJson } from './errors';
import { type EmuRequest, isJsonContentType } from './http';

/** Parses a JSON request body the way Graph's front door does: content type, valid JSON, an object. */
export function readJsonObject(req: EmuRequest, options: { optional: boolean }): Record<string, unknown> | undefined {
    const text = req.body.toString('utf8');
    const contentType = req.headers['content-type'];
    if (text.trim() === '') {
        if (contentType !== undefined && !isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
        if (options.optional) return undefined;
        throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
    }
    if (!isJsonContentType(contentType)) throw unsupportedMediaType(contentType);
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw malformedJson();
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new GraphError(
            400,
            'BadRequest',
            'Unable to read JSON request payload. The payload must be a JSON object.',
        );
    }
    return value as Record<string, unknown>;
}

function unsupportedMediaType(contentType: string | undefined): GraphError {
    return new GraphError(
        415,
        'UnsupportedMediaType',
        `The content type '${contentType ?? ''}' is not supported. Use 'application/json'.`,
    );
}

/**
 * Reads an OData action's parameters: each known name (case-insensitive, so `comment` and `Comment`) must be a
 * string or null; an unknown name is a 400 `RequestBodyRead` like Graph's OData layer answers.
 */
export function readActionParameters(
    req: EmuRequest,
    action: string,
    names: readonly string[],
): Record<string, string | null> {
    const body = readJsonObject(req, { optional: true }) ?? {};
    const out: Record<string, string | null> = {};
    for (const [key, value] of Object.entries(body)) {
        if (key.startsWith('@odata.')) continue;
        const name = names.find((n) => n.toLowerCase() === key.toLowerCase());
        if (!name) {
            throw new GraphError(
                400,
                'RequestBodyRead',
                `The parameter '${key}' in the request payload is not a valid parameter for the operation '${action}'.`,
            );
        }
        if (value !== null && typeof value !== 'string') {
            throw new GraphError(
                400,
                'RequestBodyRead',
                `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.String'.`,
            );
        }
        out[name] = value;
    }
    return out;
}
