/**
 * Just enough of an OData CSDL reader for Graph's metadata files: the entity and complex types of the
 * `microsoft.graph` schema, each with its base type and the names of its own structural and navigation properties.
 */

export interface DeclaredType {
    readonly kind: 'entity' | 'complex';
    /** The base type's name in the `microsoft.graph` namespace, if any. */
    readonly baseType: string | undefined;
    readonly properties: readonly string[];
    readonly navigationProperties: readonly string[];
}

export type DeclaredTypes = ReadonlyMap<string, DeclaredType>;

const graphNamespace = 'microsoft.graph';

function attribute(attributes: string, name: string): string | undefined {
    return new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
}

/** `graph.entity` or `microsoft.graph.entity` → `entity`; a type of another namespace → undefined. */
function graphTypeName(qualified: string | undefined, alias: string | undefined): string | undefined {
    if (qualified === undefined) return undefined;
    for (const prefix of [graphNamespace, alias]) {
        if (prefix !== undefined && qualified.startsWith(`${prefix}.`)) {
            const rest = qualified.slice(prefix.length + 1);
            if (!rest.includes('.')) return rest;
        }
    }
    return undefined;
}

/** The `microsoft.graph` schema's entity and complex types of a CSDL document. */
export function readCsdl(xml: string): DeclaredTypes {
    const types = new Map<string, DeclaredType>();
    const schemaPattern = /<Schema\b([^>]*)>([\s\S]*?)<\/Schema>/g;
    for (const schema of xml.matchAll(schemaPattern)) {
        const schemaAttributes = schema[1] ?? '';
        if (attribute(schemaAttributes, 'Namespace') !== graphNamespace) continue;
        const alias = attribute(schemaAttributes, 'Alias');
        const typePattern = /<(EntityType|ComplexType)\b([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g;
        for (const type of (schema[2] ?? '').matchAll(typePattern)) {
            const attributes = type[2] ?? '';
            const name = attribute(attributes, 'Name');
            if (name === undefined) continue;
            const body = type[4] ?? '';
            const names = (element: string) =>
                [...body.matchAll(new RegExp(`<${element}\\b[^>]*?\\bName="([^"]*)"`, 'g'))].map((m) => m[1] ?? '');
            types.set(name, {
                kind: type[1] === 'EntityType' ? 'entity' : 'complex',
                baseType: graphTypeName(attribute(attributes, 'BaseType'), alias),
                properties: names('Property'),
                navigationProperties: names('NavigationProperty'),
            });
        }
    }
    return types;
}

export interface FlattenedType {
    /** The base types, nearest first. */
    readonly baseTypes: readonly string[];
    /** Every structural property, inherited ones included, sorted. */
    readonly properties: readonly string[];
    /** Every navigation property, inherited ones included, sorted. */
    readonly navigationProperties: readonly string[];
}

/** A type with everything its BaseType chain declares. */
export function flatten(types: DeclaredTypes, name: string): FlattenedType {
    const chain: DeclaredType[] = [];
    const baseTypes: string[] = [];
    for (let current: string | undefined = name; current !== undefined;) {
        const declared = types.get(current);
        if (!declared) throw new Error(`type ${current} is not declared in the metadata`);
        if (chain.includes(declared)) throw new Error(`BaseType cycle at ${current}`);
        chain.push(declared);
        if (current !== name) baseTypes.push(current);
        current = declared.baseType;
    }
    const sorted = (values: readonly string[]) => [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en'));
    return {
        baseTypes,
        properties: sorted(chain.flatMap((t) => t.properties)),
        navigationProperties: sorted(chain.flatMap((t) => t.navigationProperties)),
    };
}
