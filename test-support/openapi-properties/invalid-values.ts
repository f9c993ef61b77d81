// Invalid values and bad bodies.
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import type { Operation, Schema } from './document';
import { MAX_SAFE_INT32, RawJson, asParsed, isValid, toJsonText, typesOf } from './schemas';
import { type Hints, validString, validValue } from './valid-values';

/** Numbers no JSON integer field of these documents accepts: past 2^53, past a double. */
const HUGE_NUMBERS: unknown[] = [
  2 ** 53 + 2, -(2 ** 53) - 2, new RawJson('9007199254740993'), new RawJson('123456789012345678901234567890'),
  new RawJson('1e400'), new RawJson('-1e400'), 1e300,
];
const OTHER_TYPES: unknown[] = [0, 1, -1, 1.5, true, false, null, '', 'x', '1', [], {}, [1], { a: 1 }];
const BAD_CHARACTERS = [' ', '/', '\u0000', '\n', '\t', 'é', '😀', '%', '*', '"', '\\', '<', '\u202e', '\ud800', '..'];
export const HUGE_STRING_LENGTH = 100_000;

/** Values that `schema` refuses, each the kind of mistake a client makes; checked with ajv. */
export function invalidValue(s: Schema, hints: Hints = {}): fc.Arbitrary<unknown> {
  const types = typesOf(s);
  const options: Array<fc.Arbitrary<unknown>> = [];
  const otherTypes = OTHER_TYPES.filter((v) => !isValid(s, v));
  if (otherTypes.length > 0) options.push(fc.constantFrom(...otherTypes));
  if (types.includes('integer') || types.includes('number')) {
    const edges: unknown[] = [...HUGE_NUMBERS];
    if (s.minimum !== undefined) edges.push(s.minimum - 1);
    if (s.maximum !== undefined) edges.push(s.maximum + 1);
    options.push(fc.constantFrom(...edges));
    const lo = Math.max(s.minimum ?? -1000, -MAX_SAFE_INT32);
    const hi = Math.min(s.maximum ?? 1000, MAX_SAFE_INT32);
    if (types.includes('integer')) options.push(fc.integer({ min: lo, max: Math.max(lo, hi - 1) }).map((n) => n + 0.5)); // a fraction
    options.push(fc.integer({ min: lo, max: hi }).map(String)); // the number as a string
  }
  if (types.includes('string')) {
    const valid = validString(s, hints.plain);
    if (s.maxLength !== undefined) {
      options.push(fc.integer({ min: s.maxLength + 1, max: s.maxLength + 64 }).map((n) => 'A'.repeat(n)));
      options.push(fc.tuple(valid, fc.integer({ min: 1, max: 4000 })).map(([v, n]) => v + 'a'.repeat(Math.max(n, (s.maxLength as number) + 1 - v.length))));
    }
    if (s.minLength) options.push(fc.constant('A'.repeat(s.minLength - 1)));
    if (s.pattern || s.format || s.enum) {
      options.push(fc.tuple(valid, fc.nat(), fc.constantFrom(...BAD_CHARACTERS)).map(([v, i, c]) => v.slice(0, i % (v.length + 1)) + c + v.slice(i % (v.length + 1))));
    }
    if (s.format === 'uuid') options.push(fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-00000000000g', '{00000000-0000-0000-0000-000000000000}'), fc.uuid().map((u) => u.replace(/-/g, '')));
    if (s.format === 'date-time') options.push(fc.constantFrom('2020-13-01T00:00:00Z', '2020-01-01', 'yesterday'));
    if (Array.isArray(s.enum)) options.push(fc.constantFrom(...s.enum.map((e: unknown) => `${String(e).toUpperCase()}!`), 'unknown'));
    options.push(fc.constantFrom('x', 'é', '\u0000').map((c) => c.repeat(HUGE_STRING_LENGTH)));
  }
  if (types.includes('array')) {
    const item = validValue(s.items ?? {}, hints);
    if (s.minItems) options.push(fc.array(item, { maxLength: s.minItems - 1 }));
    if (s.maxItems !== undefined) options.push(item.map((v) => Array.from({ length: (s.maxItems as number) + 1 }, () => v)));
  }
  if (types.includes('object')) options.push(validValue(s, hints).map((v) => [v])); // an array for an object
  return fc.oneof(...options).filter((v) => !isValid(s, asParsed(v)));
}

type JsonPath = Array<string | number>;

const showPath = (path: JsonPath) => (path.length === 0 ? '(body)' : path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join(''));

/** Every place in a value of `schema`: the value itself, each property, the first item of each array. */
function sitesOf(s: Schema, path: JsonPath = []): Array<{ path: JsonPath; schema: Schema }> {
  const out = [{ path, schema: s }];
  for (const [k, p] of Object.entries<Schema>(s.properties ?? {})) out.push(...sitesOf(p, [...path, k]));
  if (s.items && typeof s.items === 'object') out.push(...sitesOf(s.items, [...path, 0]));
  return out;
}

const define = (target: any, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** A copy of `value` with `replacement` at `path` (missing containers made on the way); undefined deletes. */
function withValueAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const root: any = structuredClone(value);
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (node[key] === null || typeof node[key] !== 'object') define(node, key, typeof path[i + 1] === 'number' ? [] : {});
    node = node[key];
  }
  const last = path[path.length - 1];
  if (replacement === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
  } else {
    define(node, last, replacement);
  }
  return root;
}

/** Field names other schemas of the document use (e.g. a response's `id`, `unitPriceCents`): likely extras. */
export function knownFieldNames(operations: Operation[]): string[] {
  const names = new Set<string>(['__proto__', 'constructor', 'prototype', 'id', 'price', 'priceCents', 'unitPriceCents', 'totalCents', 'status']);
  const walk = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    const schema = s as Schema;
    for (const k of Object.keys(schema.properties ?? {})) names.add(k);
    for (const v of Object.values(schema)) if (v && typeof v === 'object') walk(v);
  };
  for (const op of operations) {
    walk(op.body?.schema);
    for (const r of op.responses.values()) walk(r.schema);
  }
  return [...names];
}

export interface BadBody {
  note: string;
  value: unknown;
}

/** Ill-typed bodies: one mistake in an otherwise valid body, or no object at all. Checked with ajv. */
export function badBody(schema: Schema, hints: Hints, extraFieldNames: string[]): fc.Arbitrary<BadBody> {
  const sites = sitesOf(schema);
  const valid = validValue(schema, hints);
  const options: Array<fc.Arbitrary<BadBody>> = [
    fc.tuple(valid, fc.constantFrom(...sites)).chain(([v, site]) =>
      invalidValue(site.schema, hints).map((bad) => ({ note: `${showPath(site.path)} = ${describeValue(bad)}`, value: withValueAt(v, site.path, bad) }))),
  ];
  const requiredFields = sites.flatMap((site) => (site.schema.required ?? []).map((key: string) => ({ path: [...site.path, key] })));
  if (requiredFields.length > 0) {
    options.push(fc.tuple(valid, fc.constantFrom(...requiredFields)).map(([v, f]) => ({ note: `${showPath(f.path)} missing`, value: withValueAt(v, f.path, undefined) })));
  }
  const objects = sites.filter((site) => typesOf(site.schema).includes('object') && site.schema.additionalProperties === false);
  if (objects.length > 0) {
    const key = fc.oneof(fc.constantFrom(...extraFieldNames), fc.string({ minLength: 1, maxLength: 20 }));
    options.push(fc.tuple(valid, fc.constantFrom(...objects), key, fc.jsonValue({ maxDepth: 2 }))
      .filter(([, site, k]) => !Object.hasOwn(site.schema.properties ?? {}, k))
      .map(([v, site, k, extra]) => ({ note: `unknown field ${showPath([...site.path, k])}`, value: withValueAt(v, [...site.path, k], extra) })));
  }
  return fc.oneof(...options).filter((b) => !isValid(schema, asParsed(b.value)));
}

export function describeValue(v: unknown): string {
  const text = toJsonText(v);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} characters of JSON)` : text;
}
