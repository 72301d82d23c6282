import fc from 'fast-check';
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  maxItems?: number;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fieldsOf(schema: z.ZodType): Record<string, JsonSchema> {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return js.properties ?? {};
}

function unwrap(s: JsonSchema): JsonSchema {
  // Nullable/optional fields become anyOf [T, null], or type [T, "null"] for a bare primitive; the invalid
  // values are generated from T.
  if (Array.isArray(s.type)) return { ...s, type: s.type.find((t) => t !== 'null') };
  return s.anyOf?.find((x) => x.type !== 'null') ?? s;
}

/** Values that the field's schema rejects, as they would travel in a JSON body. */
export function invalidJsonValue(raw: JsonSchema): fc.Arbitrary<unknown> {
  const s = unwrap(raw);
  const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}));
  if (s.enum)
    return fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !s.enum!.includes(x)),
      notString,
    );
  if (s.type === 'string') {
    const options: fc.Arbitrary<unknown>[] = [notString];
    if (s.format === 'uuid' || s.pattern?.includes('[0-9a-fA-F]{8}'))
      options.push(fc.string({ maxLength: 40 }).filter((x) => !UUID.test(x)));
    if (s.maxLength !== undefined) options.push(fc.constant('x'.repeat(s.maxLength + 1)));
    return fc.oneof(...options);
  }
  if (s.type === 'integer' || s.type === 'number') {
    const options: fc.Arbitrary<unknown>[] = [fc.string({ maxLength: 5 }).map((x) => `n${x}`), fc.boolean()];
    if (s.minimum !== undefined) options.push(fc.integer({ min: -1_000_000, max: Math.ceil(s.minimum) - 1 }));
    if (s.maximum !== undefined) options.push(fc.integer({ min: Math.floor(s.maximum) + 1, max: 10_000_000 }));
    return fc.oneof(...options);
  }
  if (s.type === 'boolean') return fc.oneof(fc.string({ minLength: 1 }), fc.integer());
  if (s.type === 'array') return fc.oneof(fc.string(), fc.integer(), fc.constant({}), fc.constant([{}]));
  if (s.type === 'object') return fc.oneof(fc.string(), fc.integer(), fc.constant([1, 2]));
  return fc.constant(Symbol.for('skip'));
}

/** Values that the field rejects as they would travel in a path or query string. */
export function invalidWireString(raw: JsonSchema): fc.Arbitrary<string> | null {
  const s = unwrap(raw);
  const word = fc.stringMatching(/^[a-zA-Z0-9_]{1,30}$/);
  if (s.enum) return word.filter((x) => !s.enum!.includes(x));
  if (s.type === 'string' && (s.format === 'uuid' || s.pattern?.includes('[0-9a-fA-F]{8}')))
    return fc.stringMatching(/^[a-zA-Z0-9-]{1,40}$/).filter((x) => !UUID.test(x));
  if (s.type === 'integer' || s.type === 'number') {
    const options: fc.Arbitrary<string>[] = [fc.stringMatching(/^[a-z]{1,6}$/), fc.constant('1.5')];
    if (s.minimum !== undefined) options.push(fc.integer({ min: -100_000, max: Math.ceil(s.minimum) - 1 }).map(String));
    if (s.maximum !== undefined) options.push(fc.integer({ min: Math.floor(s.maximum) + 1, max: 10_000_000 }).map(String));
    return fc.oneof(...options);
  }
  if (s.type === 'string' && s.maxLength !== undefined) return fc.constant('x'.repeat(s.maxLength + 1));
  return null;
}
