import * as z from 'zod';

export type JsonSchema = { [key: string]: unknown };
type Io = 'input' | 'output';

function isObject(value: unknown): value is JsonSchema {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A zod schema as an OpenAPI 3.0 Schema Object. */
export function openApi3Schema(schema: z.ZodType, io: Io = 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
    delete json.$schema;
    return json;
}

/**
 * A zod schema as a Swagger 2.0 Schema Object: draft-4 JSON Schema, with `type: [T, "null"]` turned into `T` +
 * `x-nullable`, `const` into a one-value `enum`, and the date-time regex left to `format`.
 */
export function swagger2Schema(schema: z.ZodType, io: Io = 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'draft-4', io, unrepresentable: 'any' }) as JsonSchema;
    delete json.$schema;
    return toSwagger2(json);
}

function toSwagger2(input: JsonSchema): JsonSchema {
    let node = input;
    const branches = node.anyOf ?? node.oneOf;
    if (Array.isArray(branches)) {
        const nonNull: unknown[] = (branches as unknown[]).filter(
            (b) => !(isObject(b) && b.type === 'null' && Object.keys(b).length === 1),
        );
        const only = nonNull[0];
        if (nonNull.length === 1 && nonNull.length < branches.length && isObject(only)) {
            const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
            node = { ...only, ...rest, 'x-nullable': true };
        }
    }
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
        if (key === 'properties' && isObject(value)) {
            out.properties = Object.fromEntries(
                Object.entries(value).map(([name, property]) => [
                    name,
                    isObject(property) ? toSwagger2(property) : property,
                ]),
            );
        } else if (key === 'items' && isObject(value)) {
            out.items = toSwagger2(value);
        } else if (key === 'additionalProperties' && isObject(value)) {
            out.additionalProperties = toSwagger2(value);
        } else if (key === 'type' && Array.isArray(value)) {
            const types = value.filter((t) => t !== 'null');
            out.type = types.length === 1 ? types[0] : types;
            if (types.length !== value.length) out['x-nullable'] = true;
        } else if (key === 'const') {
            out.enum = [value];
        } else if (key === 'pattern' && node.format === 'date-time') {
            continue;
        } else {
            out[key] = value;
        }
    }
    return out;
}

/** The schema without the `x-ms-*` annotations the connector adds (to compare it with the generated one). */
export function withoutExtensions(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutExtensions);
    if (!isObject(value)) return value;
    return Object.fromEntries(
        Object.entries(value)
            .filter(([key]) => !key.startsWith('x-ms-'))
            .map(([key, v]) => [key, withoutExtensions(v)]),
    );
}
