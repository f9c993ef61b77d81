/**
 * Property-based bad-input tests generated from an OpenAPI 3.1 document (fast-check 4 + ajv 2020).
 *
 * For every operation of a document this module builds fast-check arbitraries of whole HTTP
 * requests, one arbitrary per kind of input:
 *   valid           well-typed path, query and header values and bodies, drawn from the schemas
 *   body            ill-typed bodies: another JSON type, null, an array for an object, a required
 *                   field missing, an unknown field, a boundary just outside minimum / maximum /
 *                   minLength / maxLength / minItems / maxItems, a fraction for an integer,
 *                   numbers beyond 2^53 (and 1e400), 100k-character strings, off-pattern/format/enum
 *   path            bad path parameters: over-long, characters off the pattern, url-encoded junk
 *                   (and over-encoded valid values, which must be read as the value)
 *   query           unknown, ill-typed, out-of-range, empty, repeated or nested (qs) query
 *                   parameters, url-encoded junk, forged (well-formed but made-up) cursors
 *   headers         a required header (Idempotency-Key) missing, bad or repeated; a missing or wrong
 *                   bearer token; a Content-Encoding the body does not have; junk in the headers the
 *                   platform reads (X-Request-Id, traceparent, X-Request-Budget-Ms, Accept)
 *   content-type    no content type, text/plain, application/xml, forms, another charset...
 *   malformed-json  a JSON content type with a body that is not JSON (or not an object/array)
 * and, for a service as a whole, requests with an undocumented method, and request heads past
 * Node's 16 KiB header limit.
 *
 * Each answer is held to the document (checkAnswer): a status the operation lists (or 404, 405,
 * 413, 415, which the platform answers on any route), never a 5xx (a 503 `service_unavailable` is
 * expected, and only then, when the request itself said its time budget was spent), every error as
 * application/problem+json with `type`, `title`, `status` (= the HTTP status) and a string `code`
 * (and valid against the schema documented for that status), a 2xx body valid against the
 * documented response schema, a request the document makes invalid never accepted; and after a
 * refused request (any non-2xx answer to a request of a bad kind) the state the test reads through
 * the API (`Target.snapshot`, plus a GET of the entity the request addressed) is unchanged.
 *
 * Requests go over a raw TCP socket (`send`), not fetch or node:http: no client-side validation or
 * normalisation of paths and headers, and nock (which patches node:http) never sees them.
 *
 * Environment:
 *   FC_NUM_RUNS  runs per property (default 50). A property is one (operation, kind) pair.
 *   FC_SEED      the fast-check seed (default 20261125): every run generates the same requests.
 *   FC_PATH      with FC_SEED, replays exactly the failing case a report printed (its "path");
 *                run that one test alone (jest -t '<name>').
 *   FC_VERBOSE   1: fast-check reports every step of its shrinking.
 */
import net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { loadOpenApiDocument } from 'service-platform';

export const numRuns = Number(process.env.FC_NUM_RUNS ?? 50);
export const seed = Number(process.env.FC_SEED ?? 20261125);
const replayPath = process.env.FC_PATH;
const verbose = process.env.FC_VERBOSE === '1' ? 2 : 0;

/** A jest timeout for one property: generous, because a failing property also shrinks. */
export const PROPERTY_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// The document: operations with every local $ref resolved
// ---------------------------------------------------------------------------------------------

export type Schema = { [keyword: string]: any };

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: Schema;
}

export interface DocumentedResponse {
  status: number;
  contentType?: string;
  schema?: Schema;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. /items/{sku}. */
  path: string;
  parameters: Parameter[];
  body?: { required: boolean; contentType: string; schema: Schema };
  responses: Map<number, DocumentedResponse>;
  /** The security schemes a request needs one of (empty: open). */
  securitySchemes: string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** Inlines every local $ref (a $ref's sibling keywords win, as in OpenAPI 3.1). */
export function resolveRefs(node: unknown, doc: unknown, stack: string[] = []): any {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, doc, stack));
  if (node === null || typeof node !== 'object') return node;
  const { $ref, ...siblings } = node as Record<string, unknown>;
  const resolvedSiblings = Object.fromEntries(Object.entries(siblings).map(([k, v]) => [k, resolveRefs(v, doc, stack)]));
  if (typeof $ref !== 'string') return resolvedSiblings;
  if (!$ref.startsWith('#/')) throw new Error(`only local $refs are supported, not ${$ref}`);
  if (stack.includes($ref)) throw new Error(`recursive $ref ${$ref} is not supported`);
  const target = $ref
    .slice(2)
    .split('/')
    .reduce<any>((n, key) => n?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  if (target === undefined) throw new Error(`unresolved $ref ${$ref}`);
  return { ...resolveRefs(target, doc, [...stack, $ref]), ...resolvedSiblings };
}

/** Every operation of the document at `file` (YAML or JSON), with its $refs resolved. */
export function loadOperations(file: string): Operation[] {
  const raw = loadOpenApiDocument(file);
  const doc = resolveRefs(raw, raw);
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const byKey = new Map<string, Parameter>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        byKey.set(`${p.in}:${p.name}`, { name: p.name, in: p.in, required: p.required === true, schema: p.schema ?? {} });
      }
      let body: Operation['body'];
      if (op.requestBody) {
        const [contentType, media] = Object.entries<any>(op.requestBody.content ?? {})[0] ?? [];
        if (contentType) body = { required: op.requestBody.required === true, contentType, schema: media.schema ?? {} };
      }
      const responses = new Map<number, DocumentedResponse>();
      for (const [code, r] of Object.entries<any>(op.responses ?? {})) {
        const [contentType, media] = Object.entries<any>(r.content ?? {})[0] ?? [];
        responses.set(Number(code), { status: Number(code), contentType, schema: media?.schema });
      }
      const security: Array<Record<string, unknown>> = op.security ?? doc.security ?? [];
      const open = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
      operations.push({
        operationId: op.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: [...byKey.values()],
        body,
        responses,
        securitySchemes: open ? [] : security.flatMap((s) => Object.keys(s)),
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Schemas: validation (ajv) and JSON text
// ---------------------------------------------------------------------------------------------

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
/** Parameters arrive as strings and are coerced, as express-openapi-validator does. */
const ajvCoercing = new Ajv2020({ strict: false, coerceTypes: true });
addFormats(ajvCoercing);
const compiled = new WeakMap<Schema, ValidateFunction>();
const compiledCoercing = new WeakMap<Schema, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
}

/** Whether `value` (a JSON value) is valid against `schema`. */
export function isValid(schema: Schema, value: unknown): boolean {
  return validatorFor(schema)(value);
}

/** ajv's errors for `value`, as one line ('' when valid). */
export function schemaErrors(schema: Schema, value: unknown): string {
  const validate = validatorFor(schema);
  return validate(value) ? '' : ajv.errorsText(validate.errors, { dataVar: 'body' });
}

/** Whether a parameter value as sent (a string) is valid once coerced to the schema's type. */
function isValidParameter(schema: Schema, value: string): boolean {
  let v = compiledCoercing.get(schema);
  if (!v) compiledCoercing.set(schema, (v = ajvCoercing.compile({ type: 'object', properties: { v: schema }, required: ['v'] })));
  return v({ v: value });
}

/** A JSON number written as is (JSON.stringify cannot write 1e400 or 9007199254740993). */
export class RawJson {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return this.text;
  }
}

/** JSON text of a value that may hold RawJson numbers. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What the server sees of a value: the JSON text parsed back (RawJson numbers rounded as JSON.parse does). */
const asParsed = (value: unknown): unknown => JSON.parse(toJsonText(value));

const typesOf = (s: Schema): string[] => {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.properties || s.required) return ['object'];
  if (s.items) return ['array'];
  return [];
};

const MAX_SAFE_INT32 = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// Valid values
// ---------------------------------------------------------------------------------------------

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
function validString(s: Schema, plain = false): fc.Arbitrary<string> {
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

// ---------------------------------------------------------------------------------------------
// Invalid values and bad bodies
// ---------------------------------------------------------------------------------------------

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
function knownFieldNames(operations: Operation[]): string[] {
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

function describeValue(v: unknown): string {
  const text = toJsonText(v);
  return text.length > 60 ? `${text.slice(0, 40)}… (${text.length} characters of JSON)` : text;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

export type Kind = 'valid' | 'body' | 'path' | 'query' | 'headers' | 'content-type' | 'malformed-json' | 'wrong-method' | 'oversized-head';

export type HeaderValue = string | string[];

/** One generated request, printed compactly in fast-check's counterexamples. */
export class GeneratedRequest {
  constructor(
    /** The operation it was made for. */
    readonly operationId: string,
    readonly kind: Kind,
    /** What makes it bad ('' for a valid request). */
    readonly note: string,
    readonly method: string,
    /** As sent on the request line: encoded path and query. */
    readonly path: string,
    readonly headers: Record<string, HeaderValue>,
    readonly body: string | undefined,
    /** The document makes this request invalid: the answer must be a 4xx. */
    readonly mustRefuse: boolean,
    /** It carries a spent X-Request-Budget-Ms: the answer must be 503 service_unavailable. */
    readonly budgetSpent: boolean,
    /** The entity it addresses, read before and after a refusal (a documented GET path). */
    readonly entityPath?: string,
  ) {}

  [fc.toStringMethod](): string {
    return this.describe();
  }

  describe(limit = 300): string {
    const cut = (s: string) => (s.length > limit ? `${JSON.stringify(s.slice(0, limit))}… (${s.length} characters)` : JSON.stringify(s));
    const headers = Object.entries(this.headers).map(([k, v]) => `${k}: ${[v].flat().map(cut).join(' + ')}`);
    return [
      `${this.method} ${cut(this.path)}`,
      `  for ${this.operationId}, kind: ${this.kind}${this.note ? ` (${this.note})` : ''}; must refuse: ${this.mustRefuse}${this.budgetSpent ? '; budget spent' : ''}`,
      ...headers.map((h) => `  ${h}`),
      ...(this.body === undefined ? [] : [`  body: ${cut(this.body)}`]),
    ].join('\n');
  }
}

export interface Target {
  /** Known once the service is started (beforeAll). */
  baseUrl(): string;
  operations: Operation[];
  /** Bearer token per security scheme; when given, the service is expected to check it (401). */
  tokens?: Record<string, string>;
  hints?(): Hints;
  /** The state a refused request must leave as it is, read through the API. */
  snapshot(req: GeneratedRequest): Promise<unknown>;
}

interface Pieces {
  /** Path parameter → its segment as sent (encoded). */
  path: Record<string, string>;
  pathValid: boolean;
  /** Query pairs as sent (encoded). */
  query: Array<[string, string]>;
  headers: Record<string, HeaderValue>;
  /** The body's JSON value (undefined: no body). */
  body?: unknown;
}

/** Percent-encodes every character, even those that need none: the server must decode it to the value. */
const overEncode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
/** encodeURIComponent, which throws on a lone surrogate: that one is sent as UTF-8 would carry it (U+FFFD). */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return overEncode(s);
  }
};

function authHeaders(op: Operation, target: Target): Record<string, string> {
  const scheme = op.securitySchemes.find((s) => target.tokens?.[s]);
  return scheme ? { authorization: `Bearer ${target.tokens![scheme]}` } : {};
}

function validPieces(op: Operation, target: Target, hints: Hints): fc.Arbitrary<Pieces> {
  const params = (where: Parameter['in']) => op.parameters.filter((p) => p.in === where);
  const path = fc.record(Object.fromEntries(params('path').map((p) => [p.name, validValue(p.schema, hints, p.name).map((v) => enc(String(v)))])));
  const query = fc.tuple(...params('query').map((p) => {
    const pair = validValue(p.schema, hints, p.name).map((v): [string, string] => [p.name, enc(String(v))]);
    return p.required ? pair.map((x) => [x]) : fc.option(pair, { nil: undefined }).map((x) => (x ? [x] : []));
  })).map((lists) => lists.flat());
  const headers = fc.tuple(...params('header').map((p) => {
    const pair = validValue(p.schema, hints, p.name).map((v): [string, string] => [p.name.toLowerCase(), String(v)]);
    return p.required ? pair.map((x) => [x]) : fc.option(pair, { nil: undefined }).map((x) => (x ? [x] : []));
  })).map((pairs) => ({ ...authHeaders(op, target), ...Object.fromEntries(pairs.flat()) }));
  const body = op.body ? validValue(op.body.schema, hints) : fc.constant(undefined);
  return fc.record({ path, query, headers, body }).map((p) => ({ ...p, pathValid: true }));
}

/** The documented GET path the request addresses (the path up to its last parameter), if any. */
function entityPathOf(op: Operation, pieces: Pieces, operations: Operation[]): string | undefined {
  if (!pieces.pathValid) return undefined;
  const segments = op.path.split('/');
  const last = segments.map((s) => /^\{.+\}$/.test(s)).lastIndexOf(true);
  if (last < 0) return undefined;
  const template = segments.slice(0, last + 1).join('/');
  if (!operations.some((o) => o.method === 'GET' && o.path === template)) return undefined;
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => pieces.path[name]);
}

interface Overrides {
  kind: Kind;
  note?: string;
  method?: string;
  mustRefuse: boolean;
  budgetSpent?: boolean;
  /** The body as sent; undefined: the JSON of pieces.body. null: none. */
  bodyText?: string | null;
  /** The content type; undefined: the operation's (when there is a body). null: none. */
  contentType?: string | null;
}

function assemble(op: Operation, target: Target, pieces: Pieces, o: Overrides): GeneratedRequest {
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => pieces.path[name]);
  const query = pieces.query.map(([k, v]) => `${k}=${v}`).join('&');
  const bodyText = o.bodyText === null ? undefined : (o.bodyText ?? (pieces.body === undefined ? undefined : toJsonText(pieces.body)));
  const headers: Record<string, HeaderValue> = { ...pieces.headers };
  const contentType = o.contentType === null ? undefined : (o.contentType ?? (bodyText !== undefined ? (op.body?.contentType ?? 'application/json') : undefined));
  if (contentType !== undefined && !('content-type' in headers)) headers['content-type'] = contentType;
  return new GeneratedRequest(
    op.operationId, o.kind, o.note ?? '', o.method ?? op.method, query ? `${path}?${query}` : path, headers, bodyText,
    o.mustRefuse, o.budgetSpent ?? false, entityPathOf(op, pieces, target.operations),
  );
}

function validRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  return validPieces(op, target, hints).map((p) => assemble(op, target, p, { kind: 'valid', mustRefuse: false }));
}

function badBodyRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  const schema = op.body!.schema;
  const whole = fc.constantFrom<BadBody>(
    { note: 'null', value: null }, { note: 'a string', value: 'x' }, { note: 'a number', value: 1 }, { note: 'true', value: true },
    { note: 'an empty array', value: [] }, { note: 'an empty object', value: {} },
  );
  const bodies = fc.oneof({ weight: 1, arbitrary: whole }, { weight: 5, arbitrary: badBody(schema, hints, knownFieldNames(target.operations)) })
    .filter((b) => !isValid(schema, asParsed(b.value)));
  return fc.tuple(validPieces(op, target, hints), bodies).map(([p, b]) => assemble(op, target, { ...p, body: b.value }, { kind: 'body', note: b.note, mustRefuse: true }));
}

const MAX_SEGMENT = 8000; // well under Node's 16 KiB limit for the request head (see oversizedHeads)

/** A path segment as sent, and whether the server can decode it to a valid value. */
function badSegment(p: Parameter, hints: Hints): fc.Arbitrary<{ raw: string; note: string; valid: boolean }> {
  const decode = (raw: string): string | undefined => {
    try {
      return decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  };
  const judge = (raw: string, note: string) => {
    const value = decode(raw);
    return { raw, note, valid: value !== undefined && isValidParameter(p.schema, value) };
  };
  const stringSchema = { ...p.schema, type: 'string' };
  return fc.oneof(
    invalidValue(stringSchema, hints).filter((v): v is string => typeof v === 'string' && v !== '').map((v) => judge(enc(v), `${p.name} = ${describeValue(v)}`)),
    fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%25', '%2F', '%2e%2e', '..', '.', 'a;b=c', '%20', '~', 'a%2Fb', '%u0041', '%%41')
      .map((raw) => judge(raw, `${p.name} sent as ${raw}`)),
    validValue(p.schema, hints, p.name).map((v) => judge(overEncode(String(v)), `${p.name} = ${JSON.stringify(v)}, every character percent-encoded`)),
  ).filter((s) => s.raw.length > 0 && s.raw.length <= MAX_SEGMENT);
}

function badPathRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  return fc.tuple(validPieces(op, target, hints), fc.constantFrom(...pathParams)).chain(([pieces, param]) =>
    badSegment(param, hints).map((seg) => assemble(op, target,
      { ...pieces, path: { ...pieces.path, [param.name]: seg.raw }, pathValid: seg.valid },
      { kind: 'path', note: seg.note, mustRefuse: !seg.valid })));
}

/** Made-up cursors of the shape the services hand out (base64url JSON of the last key). */
const forgedCursor = fc.oneof(
  validString({ maxLength: 40 }).map((k) => ({ k })),
  fc.tuple(
    fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), validString({ maxLength: 12 })),
    fc.oneof(fc.uuid(), validString({ maxLength: 12 })),
  )
    .map(([a, b]) => ({ k: `${a}|${b}` })),
  fc.jsonValue({ maxDepth: 2 }),
).map((json) => Buffer.from(JSON.stringify(json) ?? 'null').toString('base64url'));

function badQueryRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const documented = new Set(target.operations.flatMap((o) => o.parameters.filter((p) => p.in === 'query').map((p) => p.name)));
  type Change = { note: string; pairs: (pairs: Array<[string, string]>) => Array<[string, string]>; mustRefuse: boolean };
  // (Not a name of Object.prototype's: qs drops those silently, as it should.)
  const unknownName = fc.oneof(fc.constantFrom(...documented, 'limit', 'offset', 'page', 'sort', 'q', 'filter[status]'), fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/))
    .filter((n) => !queryParams.some((p) => p.name === n) && !(n in Object.prototype));
  const changes: Array<fc.WeightedArbitrary<Change>> = [{
    weight: 1,
    arbitrary: fc.tuple(unknownName, fc.string({ maxLength: 12 })).map(([n, v]) => ({ note: `unknown parameter ${n}`, pairs: (ps) => [...ps, [enc(n), enc(v)]], mustRefuse: true })),
  }];
  if (queryParams.length > 0) {
    const replaceWith = (name: string, pairs: Array<[string, string]>, added: Array<[string, string]>) => [...pairs.filter(([k]) => k !== name), ...added];
    changes.push({ weight: 2, arbitrary: fc.constantFrom(...queryParams).chain((p) => fc.oneof(
      // a value the schema refuses, as the string it arrives as
      fc.oneof(
        invalidValue(p.schema, hints).map((v) => (typeof v === 'string' ? v : toJsonText(v))),
        fc.constantFrom('', ' ', '0x10', '1e400', '-0', 'true', 'null', '%ZZ', '１', '1,2', '[1]'),
      ).filter((v) => v.length <= MAX_SEGMENT).map((v) => ({
        note: `${p.name}=${describeValue(v)}`,
        pairs: (ps: Array<[string, string]>) => replaceWith(p.name, ps, [[p.name, v === '%ZZ' ? v : enc(v)]]),
        mustRefuse: v === '' || !isValidParameter(p.schema, v),
      })),
      // repeated or nested (express's 'extended' qs parser makes an array or an object of it)
      fc.tuple(validValue(p.schema, hints, p.name), validValue(p.schema, hints, p.name), fc.constantFrom('repeated', '[]', '[a]', '[0]')).map(([a, b, form]) => ({
        note: `${p.name} ${form}`,
        pairs: (ps: Array<[string, string]>) => replaceWith(p.name, ps, form === 'repeated'
          ? [[p.name, enc(String(a))], [p.name, enc(String(b))]]
          : [[`${p.name}${enc(form)}`, enc(String(a))]]),
        mustRefuse: true,
      })),
    )) });
    const cursor = queryParams.find((p) => p.name === 'cursor');
    if (cursor) {
      changes.push({ weight: 2, arbitrary: forgedCursor.filter((c) => isValidParameter(cursor.schema, c)).map((c) => ({
        note: `forged cursor ${Buffer.from(c, 'base64url').toString('utf8')}`,
        pairs: (ps: Array<[string, string]>) => replaceWith('cursor', ps, [['cursor', c]]),
        mustRefuse: false, // well-formed per the document: 200, or 400 invalid_cursor
      })) });
    }
  }
  return fc.tuple(validPieces(op, target, hints), fc.oneof(...changes)).map(([p, c]) =>
    assemble(op, target, { ...p, query: c.pairs(p.query) }, { kind: 'query', note: c.note, mustRefuse: c.mustRefuse }));
}

/** Node's HTTP parser strips a header value's leading and trailing spaces and tabs. */
const asReceived = (v: string) => v.replace(/^[ \t]+|[ \t]+$/g, '');
/** What a header value may hold on the wire (no CR, LF or NUL; latin1). */
const transmittable = (v: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v);
const isNumberText = (v: string) => /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(v);

function badHeaderRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  type Change = { note: string; headers: (h: Record<string, HeaderValue>) => Record<string, HeaderValue>; mustRefuse: boolean; budgetSpent?: boolean };
  const set = (name: string, value: HeaderValue | undefined) => (h: Record<string, HeaderValue>) => {
    const copy = { ...h };
    if (value === undefined) delete copy[name];
    else copy[name] = value;
    return copy;
  };
  const changes: Array<fc.Arbitrary<Change>> = [];
  for (const p of op.parameters.filter((q) => q.in === 'header')) {
    const name = p.name.toLowerCase();
    if (p.required) changes.push(fc.constant({ note: `${p.name} missing`, headers: set(name, undefined), mustRefuse: true }));
    changes.push(fc.oneof(
      invalidValue({ ...p.schema, type: 'string' }, hints).filter((v): v is string => typeof v === 'string'),
      fc.constantFrom(' ', '\t', 'a b', 'é'),
    ).filter((v) => transmittable(v) && v.length <= MAX_SEGMENT).map((v) => ({
      note: `${p.name}: ${describeValue(v)}`, headers: set(name, v), mustRefuse: !isValid(p.schema, asReceived(v)),
    })));
    changes.push(fc.tuple(validValue(p.schema, hints, p.name), validValue(p.schema, hints, p.name)).map(([a, b]) => ({
      // Node joins a repeated header with ", "
      note: `${p.name} sent twice`, headers: set(name, [String(a), String(b)]), mustRefuse: !isValid(p.schema, `${a}, ${b}`),
    })));
  }
  const scheme = op.securitySchemes.find((s) => target.tokens?.[s]);
  if (scheme) {
    const token = target.tokens![scheme];
    const others = Object.values(target.tokens ?? {}).filter((t) => t !== token);
    const accepted = (v: string) => {
      const m = /^Bearer (.+)$/i.exec(asReceived(v));
      return m !== null && m[1] === token;
    };
    changes.push(fc.constant({ note: 'no Authorization', headers: set('authorization', undefined), mustRefuse: true }));
    changes.push(fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', `Basic ${Buffer.from(`x:${token}`).toString('base64')}`, token, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`,
        `Bearer  ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer ${token} `, ...others.map((t) => `Bearer ${t}`)),
      fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
    ).filter(transmittable).map((v) => ({ note: `Authorization: ${v}`, headers: set('authorization', v), mustRefuse: !accepted(v) })));
  } else {
    changes.push(fc.constantFrom('Bearer nonsense', 'Basic Zm9vOmJhcg==', 'Bearer', '').map((v) => ({ note: `Authorization: ${v} (open operation)`, headers: set('authorization', v), mustRefuse: false })));
  }
  if (op.body) {
    changes.push(fc.constantFrom('gzip', 'deflate', 'br', 'x-gzip', 'compress', 'zstd', 'gzip, identity', 'chunked', 'junk', 'identity').map((v) => ({
      note: `Content-Encoding: ${v} on a body that is plain JSON`, headers: set('content-encoding', v), mustRefuse: v !== 'identity',
    })));
  }
  changes.push(fc.oneof(
    fc.constantFrom('0', '-1', '-0.5', '-1e9', '0.0').map((v) => ({ v, spent: true })),
    fc.constantFrom('600000', '1e9', 'abc', 'NaN', 'Infinity', '-Infinity', '', '1,5', '٣', 'ms', '--1').map((v) => ({ v, spent: false })),
  ).map(({ v, spent }) => ({
    note: `X-Request-Budget-Ms: ${JSON.stringify(v)}`, headers: set('x-request-budget-ms', v), mustRefuse: spent,
    budgetSpent: spent && isNumberText(v) && Number(v) <= 0,
  })));
  changes.push(fc.oneof(
    fc.tuple(fc.constantFrom('x-request-id', 'traceparent', 'accept', 'accept-charset', 'x-forwarded-for', 'cookie', 'prefer'),
      fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('00-zz-zz-01', '00-00000000000000000000000000000000-0000000000000000-00', 'application/xml', '*/*;q=0', 'a'.repeat(200)))),
  ).filter(([, v]) => transmittable(v)).map(([n, v]) => ({ note: `${n}: ${describeValue(v)}`, headers: set(n, v), mustRefuse: false })));
  return fc.tuple(validPieces(op, target, hints), fc.oneof(...changes)).map(([p, c]) =>
    assemble(op, target, { ...p, headers: c.headers(p.headers) }, { kind: 'headers', note: c.note, mustRefuse: c.mustRefuse, budgetSpent: c.budgetSpent }));
}

function contentTypeRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  type Variant = { contentType: string | null; body?: (json: string) => string; mustRefuse: boolean };
  const variants: Variant[] = [
    { contentType: null, mustRefuse: true },
    { contentType: '', mustRefuse: true },
    { contentType: 'text/plain', mustRefuse: true },
    { contentType: 'text/plain; charset=utf-8', mustRefuse: true },
    { contentType: 'application/xml', body: () => '<?xml version="1.0"?><request/>', mustRefuse: true },
    { contentType: 'text/xml', mustRefuse: true },
    { contentType: 'application/x-www-form-urlencoded', body: () => 'a=1&b=2', mustRefuse: true },
    { contentType: 'multipart/form-data; boundary=xyz', body: () => '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--', mustRefuse: true },
    { contentType: 'application/octet-stream', mustRefuse: true },
    { contentType: 'application/merge-patch+json', mustRefuse: true },
    { contentType: 'application/problem+json', mustRefuse: true },
    { contentType: 'application/jsonl', mustRefuse: true },
    { contentType: 'application/json; charset=latin1', mustRefuse: true },
    { contentType: 'application/json; charset=utf-16', mustRefuse: true },
    { contentType: 'json', mustRefuse: true },
    { contentType: '*/*', mustRefuse: true },
    { contentType: 'application/json; charset=utf-8', mustRefuse: false },
    { contentType: 'Application/JSON', mustRefuse: false },
  ];
  return fc.tuple(validPieces(op, target, hints), fc.constantFrom(...variants)).map(([p, v]) => {
    const json = toJsonText(p.body ?? {});
    return assemble(op, target, p, {
      kind: 'content-type', note: `Content-Type: ${v.contentType === null ? '(none)' : JSON.stringify(v.contentType)}`,
      contentType: v.contentType, bodyText: v.body ? v.body(json) : json, mustRefuse: v.mustRefuse,
    });
  });
}

/** Whether the JSON body parser accepts the text (strict: an object or an array; a BOM is dropped; empty is no body). */
function parsesAsJsonBody(text: string): boolean {
  const t = text.replace(/^\uFEFF/, '');
  if (t.trim() === '') return true;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object';
  } catch {
    return false;
  }
}

function malformedJsonRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
  const junk = fc.constantFrom('{', '}', '[', '{"a":}', '{"a" 1}', "{'a':1}", '{a:1}', '{"a":1,}', '[1,]', '{"a":NaN}', '{"a":Infinity}',
    '{"a":1} // comment', '/* c */ {}', '{"a":"\\x41"}', '{"a":"\u0001"}', 'null', 'true', '1', '"text"', '{"a":1}{"b":2}', '\uFEFF\uFEFF{}',
    '{"a":01}', '{"a":.5}', '{"a":-}', `${'['.repeat(5000)}${']'.repeat(4999)}`, 'undefined', '<xml/>');
  const texts = fc.tuple(validPieces(op, target, hints), fc.oneof(
    junk,
    // a valid body cut short, or with trailing junk
    fc.tuple(validPieces(op, target, hints), fc.nat()).map(([p, n]) => {
      const text = toJsonText(p.body ?? { a: 1 });
      return text.slice(0, n % text.length);
    }),
    fc.tuple(validPieces(op, target, hints), fc.constantFrom(',', '}', ']', 'x', '\u0000')).map(([p, tail]) => toJsonText(p.body ?? { a: 1 }) + tail),
  )).filter(([, text]) => !parsesAsJsonBody(text));
  return texts.map(([p, text]) => assemble(op, target, p, {
    kind: 'malformed-json', note: 'not a JSON object or array', bodyText: text, contentType: 'application/json', mustRefuse: true,
  }));
}

/** The kinds of input that apply to an operation. */
export function kindsFor(op: Operation): Kind[] {
  const kinds: Kind[] = ['valid'];
  if (op.parameters.some((p) => p.in === 'path')) kinds.push('path');
  kinds.push('query', 'headers');
  if (op.body) kinds.push('body', 'content-type');
  kinds.push('malformed-json');
  return kinds;
}

export function requestsFor(op: Operation, kind: Kind, target: Target): fc.Arbitrary<GeneratedRequest> {
  const hints: Hints = { ...target.hints?.(), plain: kind !== 'valid' };
  switch (kind) {
    case 'valid': return validRequests(op, target, hints);
    case 'body': return badBodyRequests(op, target, hints);
    case 'path': return badPathRequests(op, target, hints);
    case 'query': return badQueryRequests(op, target, hints);
    case 'headers': return badHeaderRequests(op, target, hints);
    case 'content-type': return contentTypeRequests(op, target, hints);
    case 'malformed-json': return malformedJsonRequests(op, target, hints);
    default: throw new Error(`${kind} is generated per service, not per operation`);
  }
}

const NODE_MAX_HEADER_BYTES = 16 * 1024;

/** Requests whose head (request line and headers) is past Node's 16 KiB limit, on any operation. */
export function oversizedHeads(target: Target): fc.Arbitrary<GeneratedRequest> {
  const hints: Hints = { ...target.hints?.(), plain: true };
  return fc.tuple(fc.constantFrom(...target.operations), fc.integer({ min: NODE_MAX_HEADER_BYTES + 100, max: 4 * NODE_MAX_HEADER_BYTES }), fc.constantFrom('path', 'query', 'header'))
    .chain(([op, size, where]) => validPieces(op, target, hints).map((p) => {
      const huge = 'A'.repeat(size);
      const pathParam = op.parameters.find((q) => q.in === 'path');
      const [pieces, note]: [Pieces, string] = where === 'path' && pathParam
        ? [{ ...p, path: { ...p.path, [pathParam.name]: huge }, pathValid: false }, `${pathParam.name}: ${size} characters`]
        : where === 'query'
          ? [{ ...p, query: [...p.query, ['cursor', huge]] }, `a query of ${size} characters`]
          : [{ ...p, headers: { ...p.headers, 'x-padding': huge } }, `a header of ${size} characters`];
      return assemble(op, target, pieces, { kind: 'oversized-head', note, mustRefuse: true });
    }));
}

/** A documented path with a method the document does not list for it. */
export function wrongMethods(target: Target): fc.Arbitrary<GeneratedRequest> {
  const hints: Hints = { ...target.hints?.(), plain: true };
  return fc.tuple(fc.constantFrom(...target.operations), fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'))
    .filter(([op, m]) => !target.operations.some((o) => o.path === op.path && o.method === m))
    .chain(([op, method]) => validPieces(op, target, hints).map((p) => assemble(op, target, p, { kind: 'wrong-method', note: `${method} ${op.path}`, method, mustRefuse: true })));
}

// ---------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json?: unknown;
}

function parseAnswer(raw: Buffer): Answer | undefined {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at);
      if (eol < 0) break;
      const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!size) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: Number(m[1]), headers, text, json };
}

/** Sends a request as it is, over a fresh TCP connection, and reads the answer. */
export function send(baseUrl: string, req: { method: string; path: string; headers: Record<string, HeaderValue>; body?: string }, timeoutMs = 10_000): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  for (const v of Object.values(req.headers).flat()) {
    if (/[\r\n\0]/.test(v)) throw new Error(`a header value cannot hold CR, LF or NUL: ${JSON.stringify(v)}`);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname);
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer) resolve(answer);
      else reject(new Error(`no HTTP answer to ${req.method} ${req.path.slice(0, 100)}: ${err?.message ?? 'the connection closed'}`));
    };
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => {
      const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
      const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close'];
      for (const [name, value] of Object.entries(req.headers)) for (const v of [value].flat()) lines.push(`${name}: ${v}`);
      if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
      socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]));
    });
  });
}

/** GET a path and read JSON. */
export async function getJson(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const a = await send(baseUrl, { method: 'GET', path, headers });
  return { status: a.status, body: a.json ?? a.text };
}

/** Every item of a `{ items, nextCursor }` list, page after page. */
export async function listAll(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const res = await getJson(baseUrl, `${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, headers);
    const body = res.body as { items: unknown[]; nextCursor: string | null };
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    items.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/** The platform answers these on any route (unknown path, method, too large, not JSON). */
export const PLATFORM_STATUSES = [404, 405, 413, 415, 431];

/** What is wrong with `answer` to `req` (made for `op`), per the document; [] when nothing is. */
export function checkAnswer(op: Operation, req: GeneratedRequest, answer: Answer): string[] {
  const wrong: string[] = [];
  const { status } = answer;
  const documented = [...op.responses.keys()];
  const onThisRoute = req.kind === 'wrong-method' ? [] : documented;
  if (!onThisRoute.includes(status) && !PLATFORM_STATUSES.includes(status)) {
    wrong.push(`status ${status} is not documented for ${op.operationId} (documented: ${documented.join(', ')}; any route: ${PLATFORM_STATUSES.join(', ')})`);
  }
  const body = answer.json as Record<string, unknown> | undefined;
  if (req.budgetSpent) {
    if (status !== 503 || body?.code !== 'service_unavailable' || !answer.headers['retry-after']) {
      wrong.push(`a spent X-Request-Budget-Ms must be answered 503 service_unavailable with Retry-After, not ${status} ${String(body?.code ?? '')}`);
    }
  } else if (status >= 500) {
    wrong.push(`a ${status}: the server failed${body?.code ? ` (${String(body.code)})` : ''}`);
  }
  if (req.mustRefuse && status < 400) wrong.push(`${status}: accepted a request the document makes invalid`);
  if (status >= 400) {
    const ct = answer.headers['content-type'] ?? '(none)';
    if (!/^application\/problem\+json\b/.test(ct)) wrong.push(`a ${status} must be application/problem+json, not ${ct}`);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      wrong.push(`a ${status} has no problem object: ${JSON.stringify(answer.text.slice(0, 200))}`);
    } else {
      if (typeof body.type !== 'string') wrong.push('the problem has no string `type`');
      if (typeof body.title !== 'string') wrong.push('the problem has no string `title`');
      if (body.status !== status) wrong.push(`the problem's \`status\` is ${JSON.stringify(body.status)}, the HTTP status ${status}`);
      if (typeof body.code !== 'string') wrong.push('the problem has no string `code`');
      const schema = op.responses.get(status)?.schema;
      if (schema && req.kind !== 'wrong-method') {
        const errors = schemaErrors(schema, body);
        if (errors) wrong.push(`the problem is not valid against the documented schema: ${errors}`);
      }
    }
  }
  if (status >= 200 && status < 300) {
    const documentedResponse = op.responses.get(status);
    if (documentedResponse?.schema) {
      const ct = answer.headers['content-type'] ?? '(none)';
      if (!ct.startsWith(documentedResponse.contentType ?? 'application/json')) wrong.push(`a ${status} must be ${documentedResponse.contentType}, not ${ct}`);
      if (answer.json === undefined) wrong.push(`a ${status} has no JSON body: ${JSON.stringify(answer.text.slice(0, 200))}`);
      else {
        const errors = schemaErrors(documentedResponse.schema, answer.json);
        if (errors) wrong.push(`the ${status} body is not valid against the documented schema: ${errors}`);
      }
    } else if (documentedResponse && answer.text !== '') {
      wrong.push(`a ${status} is documented without a body, but has one`);
    }
  }
  return wrong;
}

/** Where two snapshots differ (up to 3 places). */
function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 3 || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as any)[k], (b as any)[k], `${path}${Array.isArray(a) ? `[${k}]` : `.${k}`}`, out);
    return out;
  }
  out.push(`${path || '(state)'}: ${JSON.stringify(a)?.slice(0, 200)} → ${JSON.stringify(b)?.slice(0, 200)}`);
  return out;
}

/** A property failed: says what is wrong, with the request and the answer. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(wrong: string[], req: GeneratedRequest, answer: Answer) {
    const answerText = answer.text.length > 400 ? `${answer.text.slice(0, 400)}… (${answer.text.length} characters)` : answer.text;
    super([
      ...wrong.map((w) => `- ${w}`),
      'request:', req.describe(), 'answer:', `  ${answer.status} ${answer.headers['content-type'] ?? '(no content type)'} ${answerText}`,
    ].join('\n'));
  }
}

/**
 * The state read after the last refused request of the running property: nothing runs between two
 * requests, so it is the state before the next one (this saves a third of the reads). Forgotten when
 * a request is accepted, fails, and when a property starts.
 */
const stateAfterRefusal = new WeakMap<Target, unknown>();

/** Sends one request and holds the answer (and, after a refusal, the state) to the document. */
async function exercise(target: Target, op: Operation, req: GeneratedRequest): Promise<void> {
  const checksState = req.kind !== 'valid';
  const entity = () => (req.entityPath ? getJson(target.baseUrl(), req.entityPath, entityAuth(target, req.entityPath)) : undefined);
  let before: unknown;
  if (checksState) {
    before = { state: stateAfterRefusal.has(target) ? stateAfterRefusal.get(target) : await target.snapshot(req), entity: await entity() };
  }
  stateAfterRefusal.delete(target);
  const answer = await send(target.baseUrl(), req);
  const wrong = checkAnswer(op, req, answer);
  if (checksState && (answer.status < 200 || answer.status >= 300)) {
    const after = { state: await target.snapshot(req), entity: await entity() };
    if (!isDeepStrictEqual(before, after)) wrong.push(`the state changed after a refused request: ${differences(before, after).join('; ')}`);
    else stateAfterRefusal.set(target, after.state);
  }
  if (wrong.length > 0) throw new ContractViolation(wrong, req, answer);
}

/** The bearer token of the GET operation of an entity path, if it needs one. */
function entityAuth(target: Target, entityPath: string): Record<string, string> {
  const get = target.operations.find((o) => o.method === 'GET' && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(entityPath));
  return get ? authHeaders(get, target) : {};
}

const assertOptions = <T>(): fc.Parameters<T> => ({ numRuns, seed, verbose, ...(replayPath ? { path: replayPath } : {}) });

/** One property: any request of `kind` for `op`. */
export async function checkOperation(target: Target, op: Operation, kind: Kind): Promise<void> {
  stateAfterRefusal.delete(target);
  await fc.assert(fc.asyncProperty(requestsFor(op, kind, target), (req) => exercise(target, op, req)), assertOptions<[GeneratedRequest]>());
}

/** One property over every operation of the service (wrong methods, oversized heads). */
export async function checkService(target: Target, kind: 'wrong-method' | 'oversized-head'): Promise<void> {
  stateAfterRefusal.delete(target);
  const arb = kind === 'wrong-method' ? wrongMethods(target) : oversizedHeads(target);
  const operation = (id: string) => target.operations.find((o) => o.operationId === id)!;
  await fc.assert(fc.asyncProperty(arb, (req) => exercise(target, operation(req.operationId), req)), assertOptions<[GeneratedRequest]>());
}

/** The jest tests for a service: one per (operation, kind), then the service-wide ones. */
export function propertyTests(target: Target): Array<{ name: string; run: () => Promise<void> }> {
  const tests = target.operations.flatMap((op) => kindsFor(op).map((kind) => ({
    name: `${op.operationId} (${op.method} ${op.path}): ${kind}`,
    run: () => checkOperation(target, op, kind),
  })));
  tests.push(
    { name: 'every path: a method the document does not list', run: () => checkService(target, 'wrong-method') },
    { name: 'every operation: a request head over Node\'s 16 KiB limit', run: () => checkService(target, 'oversized-head') },
  );
  return tests;
}
