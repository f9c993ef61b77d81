// The boundaries an OpenAPI document states, as requests: for every parameter and body field with
// a maximum, minimum, maxLength, minLength, maxItems, minItems, enum, pattern, const or `not: {const}`,
// a value at the boundary (the document allows it) and one just past it (the document refuses it).
// Used by system-tests/test/document-boundaries.test.ts; see docs/api-contract.md.
import fc from 'fast-check';
import { type Operation, type Parameter, type Schema, isValid } from './openapi-properties';

export interface BoundaryCase {
  /** How the request differs from the operation's example request. */
  where: 'path' | 'query' | 'header' | 'body';
  /** The parameter name, or the body field's path (['lines', 0, 'quantity']). */
  at: string | Array<string | number>;
  /** As the problem's `errors[].field` names it: body.lines[0].quantity, query.limit, params.sku, headers.if-match. */
  field: string;
  value: unknown;
  allowed: boolean;
  /** Which boundary: "maximum 3600", "pattern", "enum AED". */
  rule: string;
}

const SEED = 20261207;
/** Characters tried to lengthen a value or to break its pattern; printable ASCII first (headers can carry only those). */
const PROBES = ['A', 'a', '0', 'x', '-', '.', '_', ' ', '!', '"', '*', ',', '/', ':', '~', '\u0000', 'é'];

const fieldName = (where: BoundaryCase['where'], at: BoundaryCase['at']): string => {
  const prefix = { path: 'params', query: 'query', header: 'headers', body: 'body' }[where];
  if (typeof at === 'string') return `${prefix}.${where === 'header' ? at.toLowerCase() : at}`;
  return at.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : `${s}.${k}`), prefix);
};

/** Characters a value may hold where it is sent: a header only printable ASCII, a path never a slash. */
const sendable = (where: BoundaryCase['where'], s: string): boolean =>
  where === 'header' ? /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(s) : where === 'path' ? s !== '' && !/[/\\]/.test(s) && s !== '.' && s !== '..' : true;

/** Valid strings for `s`: the example first, then a few drawn from the pattern (seeded: the same every run). */
function validStrings(s: Schema, example: unknown): string[] {
  const drawn = typeof s.pattern === 'string'
    ? fc.sample(fc.stringMatching(new RegExp(s.pattern), { maxLength: s.maxLength }), { seed: SEED, numRuns: 40 })
    : ['A'.repeat(Math.max(s.minLength ?? 0, 1))];
  const all = [...(typeof example === 'string' ? [example] : []), ...drawn].filter((v) => isValid(s, v));
  return [...new Set(all)];
}

/** A string of exactly `length` built from a valid one (cut, or lengthened by one repeated probe), valid or not as asked. */
function ofLength(s: Schema, bases: string[], length: number, wantValid: boolean, where: BoundaryCase['where']): string | undefined {
  for (const base of bases) {
    if (length <= base.length) {
      const cut = [base.slice(0, length), base.slice(base.length - length)];
      const hit = cut.find((v) => isValid(s, v) === wantValid && (length === 0 || sendable(where, v)));
      if (hit !== undefined) return hit;
      continue;
    }
    for (const probe of PROBES) {
      const pad = probe.repeat(length - base.length);
      for (const v of [base + pad, base.slice(0, -1) + pad + base.slice(-1), base.slice(0, 1) + pad + base.slice(1)]) {
        if (isValid(s, v) === wantValid && sendable(where, v)) return v;
      }
    }
  }
  return undefined;
}

/** A value one character off a valid one that breaks only the pattern. */
function offPattern(s: Schema, bases: string[], where: BoundaryCase['where']): string | undefined {
  const rest = { ...s, pattern: undefined, format: undefined };
  for (const base of bases) {
    for (const probe of PROBES) {
      for (let i = base.length > 2 ? 1 : 0; i < base.length; i++) {
        const v = base.slice(0, i) + probe + base.slice(i + 1);
        if (!isValid(s, v) && isValid(rest, v) && sendable(where, v)) return v;
      }
    }
  }
  return undefined;
}

type Found = Omit<BoundaryCase, 'where' | 'at' | 'field'>;

/** The boundary values of one scalar schema; `missing` collects boundaries no value could be built for. */
function scalarBoundaries(s: Schema, example: unknown, where: BoundaryCase['where'], missing: string[]): Found[] {
  const out: Found[] = [];
  const add = (rule: string, value: unknown, allowed: boolean) => {
    if (value === undefined) missing.push(`${rule} (${allowed ? 'allowed' : 'refused'})`);
    else out.push({ rule, value, allowed });
  };
  if ('const' in s) {
    add(`const ${JSON.stringify(s.const)}`, s.const, true);
    add(`const ${JSON.stringify(s.const)}`, typeof s.const === 'number' ? s.const + 1 : `${String(s.const)}x`, false);
  }
  if (Array.isArray(s.enum)) {
    for (const member of s.enum) add(`enum ${JSON.stringify(member)}`, member, true);
    const outside = s.enum.map((m: unknown) => `${String(m).toLowerCase()}`).concat(s.enum.map((m: unknown) => `${String(m)}X`))
      .find((v: string) => !s.enum.includes(v) && sendable(where, v));
    add('enum (a value not listed)', outside, false);
  }
  if (s.type === 'integer' || s.type === 'number') {
    if (typeof s.minimum === 'number') { add(`minimum ${s.minimum}`, s.minimum, true); add(`minimum ${s.minimum}`, s.minimum - 1, false); }
    if (typeof s.maximum === 'number') { add(`maximum ${s.maximum}`, s.maximum, true); add(`maximum ${s.maximum}`, s.maximum + 1, false); }
    if (s.not && 'const' in s.not) {
      const c = s.not.const as number;
      add(`not ${c}`, c, false);
      for (const near of [c - 1, c + 1]) if (isValid(s, near)) add(`not ${c}`, near, true);
    }
  }
  if (s.type === 'string' && !Array.isArray(s.enum) && !('const' in s)) {
    const bases = validStrings(s, example);
    if (typeof s.maxLength === 'number') {
      add(`maxLength ${s.maxLength}`, ofLength(s, bases, s.maxLength, true, where), true);
      add(`maxLength ${s.maxLength}`, ofLength(s, bases, s.maxLength + 1, false, where), false);
    }
    if (typeof s.minLength === 'number') {
      add(`minLength ${s.minLength}`, ofLength(s, bases, s.minLength, true, where), true);
      if (s.minLength > 0 && !(where === 'path' && s.minLength === 1)) add(`minLength ${s.minLength}`, ofLength(s, bases, s.minLength - 1, false, where), false);
    }
    if (typeof s.pattern === 'string') {
      // The example and a few drawn values: a pattern allows more than one spelling, and the code must take them all.
      for (const v of bases.filter((b) => sendable(where, b)).slice(0, 4)) add('pattern', v, true);
      add('pattern', offPattern(s, bases, where), false);
    }
  }
  return out;
}

/** Every boundary of a body: its fields, nested objects and arrays (walked at item 0), and array sizes. */
function bodyBoundaries(s: Schema, example: unknown, at: Array<string | number>, missing: string[]): Array<Found & { at: Array<string | number> }> {
  const out: Array<Found & { at: Array<string | number> }> = [];
  if (s.type === 'object' || s.properties) {
    for (const [name, p] of Object.entries<Schema>(s.properties ?? {})) {
      const sub = (example as Record<string, unknown> | undefined)?.[name];
      out.push(...bodyBoundaries(p, sub, [...at, name], missing));
    }
    return out;
  }
  if (s.type === 'array') {
    const items = Array.isArray(example) && example.length > 0 ? example : undefined;
    const item = items?.[0];
    if (item === undefined) missing.push(`${at.join('.')}: no example item to build arrays of`);
    else {
      if (typeof s.minItems === 'number') {
        out.push({ at, rule: `minItems ${s.minItems}`, value: Array(s.minItems).fill(item), allowed: true });
        if (s.minItems > 0) out.push({ at, rule: `minItems ${s.minItems}`, value: Array(s.minItems - 1).fill(item), allowed: false });
      }
      if (typeof s.maxItems === 'number') {
        out.push({ at, rule: `maxItems ${s.maxItems}`, value: Array(s.maxItems).fill(item), allowed: true });
        out.push({ at, rule: `maxItems ${s.maxItems}`, value: Array(s.maxItems + 1).fill(item), allowed: false });
      }
    }
    out.push(...bodyBoundaries(s.items ?? {}, item, [...at, 0], missing));
    return out;
  }
  const scoped: string[] = [];
  out.push(...scalarBoundaries(s, example, 'body', scoped).map((f) => ({ ...f, at })));
  missing.push(...scoped.map((m) => `body.${at.join('.')}: ${m}`));
  return out;
}

/** The example a parameter carries in the document (the parameter's, else its schema's). */
export const parameterExample = (p: Parameter): unknown => p.example ?? p.schema.examples?.[0] ?? p.schema.example;

/** Every boundary case of an operation, and the boundaries no value could be built for. */
export function boundaryCases(op: Operation): { cases: BoundaryCase[]; missing: string[] } {
  const cases: BoundaryCase[] = [];
  const missing: string[] = [];
  for (const p of op.parameters) {
    const where = p.in === 'header' ? 'header' : p.in === 'cookie' ? undefined : p.in;
    if (!where) continue;
    const scoped: string[] = [];
    for (const f of scalarBoundaries(p.schema, parameterExample(p), where, scoped)) cases.push({ ...f, where, at: p.name, field: fieldName(where, p.name) });
    missing.push(...scoped.map((m) => `${op.operationId} ${where}.${p.name}: ${m}`));
  }
  if (op.body) {
    const scoped: string[] = [];
    for (const f of bodyBoundaries(op.body.schema, op.body.example, [], scoped)) cases.push({ ...f, where: 'body', field: fieldName('body', f.at) });
    missing.push(...scoped.map((m) => `${op.operationId} ${m}`));
  }
  return { cases, missing };
}

/** `value` set at `at` inside a copy of `body`. */
export function withValueAt(body: unknown, at: Array<string | number>, value: unknown): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  const copy: any = Array.isArray(body) ? [...body] : { ...(body as object) };
  copy[head] = withValueAt(copy[head], rest, value);
  return copy;
}
