// Valid values, drawn from the schemas.
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import type { Schema } from './document';
import { MAX_SAFE_INT32, isValid, typesOf } from './schemas';

/**
 * Values for named fields and parameters (by property or parameter name), so that valid requests
 * reach existing entities. `mix`: drawn besides the schema's own values (e.g. `sku:
 * fc.constantFrom('COFFEE-1KG')`); `only`: instead of them (e.g. a `ttlSeconds` long enough that
 * nothing expires while the properties run). They must be valid against the schema.
 */
export interface Hints {
  mix?: Record<string, fc.Arbitrary<unknown>>;
  only?: Record<string, fc.Arbitrary<unknown>>;
  /**
   * Only ordinary values: printable strings, canonical UUIDs. Set for the valid remainder of a bad
   * request, so that a bad request fails for its own mistake; the valid kind explores the rest.
   */
  plain?: boolean;
}

/** Strings that break code that forgets about them (a fuzzer's dictionary). */
const INTERESTING_STRINGS = ['\u0000', 'a\u0000b', '', '\ud800', '\uffff', '%', '%00', '\\', '"', "'", '|', '||', 'null', '-1', '0', '9'.repeat(30),
  '1970-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', ' ', '\n', 'ß', '😀', "' OR '1'='1"];
/** Characters that storage, parsers and logs trip on; NUL (which PostgreSQL text cannot hold) most often. */
const SPECIAL_CHARACTERS = ['\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\ufeff', '\ud800', '\udfff', '\\', '"', '%', '|', '\n'];
/** One character of a string: mostly printable, one in four special (see SPECIAL_CHARACTERS). */
const spicedUnit = fc.oneof(
  { weight: 15, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constant('\u0000') },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_CHARACTERS) },
);

/**
 * Valid strings: of the pattern or format, else printable Unicode, strings spiced with special
 * characters, ASCII with its control characters, and the dictionary. (Not fast-check's 'binary'
 * unit, all of Unicode: the reverse mapping it builds for shrinking costs about a second a property.)
 */
export function validString(s: Schema, plain = false): fc.Arbitrary<string> {
  if (s.format === 'uuid' && plain) return fc.uuid();
  if (s.format === 'uuid') {
    // Every form the format (RFC 4122, as ajv-formats reads it) accepts, not only the canonical one.
    return fc.oneof(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), fc.uuid().map((u) => `urn:uuid:${u}`));
  }
  if (s.format === 'date-time') {
    return fc.date({ noInvalidDate: true, min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') }).map((d) => d.toISOString());
  }
  if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern));
  const minLength: number = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, 300);
  if (plain) return fc.string({ unit: 'grapheme', minLength, maxLength });
  return fc.oneof(
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: spicedUnit, minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength, maxLength }) },
    { weight: 1, arbitrary: fc.constantFrom(...INTERESTING_STRINGS) },
  );
}

function rawValid(s: Schema, hints: Hints): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.allOf)) {
    const merged = s.allOf.reduce((a: Schema, b: Schema) => ({
      ...a, ...b,
      properties: { ...a.properties, ...b.properties },
      required: [...(a.required ?? []), ...(b.required ?? [])],
    }), {});
    return rawValid(merged, hints);
  }
  const alternatives = s.oneOf ?? s.anyOf;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((a: Schema) => validValue(a, hints)));
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((type) => rawValid({ ...s, type }, hints)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = s.exclusiveMinimum !== undefined ? Math.floor(s.exclusiveMinimum) + 1 : Math.ceil(s.minimum ?? -MAX_SAFE_INT32);
      const max = s.exclusiveMaximum !== undefined ? Math.ceil(s.exclusiveMaximum) - 1 : Math.floor(s.maximum ?? MAX_SAFE_INT32);
      return fc.integer({ min, max });
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'string':
      return validString(s, hints.plain);
    case 'array':
      // At most 10 items keeps requests small; maxItems itself is probed by the bad bodies.
      return fc.array(validValue(s.items ?? {}, hints), { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 10, 10)) });
    case 'object': {
      const properties: Record<string, Schema> = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, validValue(p, hints, k)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k: string) => k in properties) });
    }
    default:
      return fc.jsonValue();
  }
}

/** Valid values for `schema` (checked with ajv), with the hints for `name` (see Hints). */
export function validValue(schema: Schema, hints: Hints = {}, name?: string): fc.Arbitrary<unknown> {
  const only = name === undefined ? undefined : hints.only?.[name];
  const mix = name === undefined ? undefined : hints.mix?.[name];
  const base = only ?? rawValid(schema, hints);
  const arb = mix ? fc.oneof({ weight: 3, arbitrary: mix }, { weight: 1, arbitrary: base }) : base;
  return arb.filter((v) => isValid(schema, v));
}
