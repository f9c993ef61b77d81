// Configuration errors in words: one sentence per bad variable, "NAME: must be <what> (it is
// <value>); for example NAME=<example>", built from the variable's own schema. The one place where
// zod's issues become sentences: a service at start-up, `<service> migrate` and `npm start` all use it.
import { z } from 'zod';

type Schema = z.core.$ZodType;
interface Field { inner: Schema; fallback: unknown }

/** Variables whose values are never repeated back: they are credentials. */
const SECRET = /TOKEN|SECRET|PASSWORD/;

/** The object schema under a service's transforms and refinements (a pipe's input side). */
function objectShape(schema: Schema): Record<string, Schema> {
  let s = schema as z.ZodType;
  while (s.def.type === 'pipe') s = (s as z.ZodPipe).def.in as z.ZodType;
  return s.def.type === 'object' ? (s as z.ZodObject).shape : {};
}

/** The variable's own check, under `.default()`, `.optional()` and a flag's transform. */
function field(schema: Schema | undefined): Field | undefined {
  let s = schema as z.ZodType | undefined;
  let fallback: unknown;
  while (s) {
    const def = s.def as { type: string; innerType?: z.ZodType; in?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') fallback ??= def.defaultValue;
    if (def.type === 'default' || def.type === 'optional') s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else return { inner: s, fallback };
  }
  return undefined;
}

const bounded = (n: number | null | undefined): n is number => typeof n === 'number' && Math.abs(n) < Number.MAX_SAFE_INTEGER;

/** What a value must be, from the schema: "a whole number from 0 to 65535", "one of …", "an http(s) URL". */
function requirement(f: Field): string {
  const meta = z.globalRegistry.get(f.inner as z.ZodType);
  if (meta?.description) return meta.description;
  const s = f.inner as z.ZodType;
  if (s instanceof z.ZodNumber) {
    const kind = s.isInt ? 'a whole number' : 'a number';
    const [min, max] = [s.minValue, s.maxValue];
    if (bounded(min) && bounded(max)) return `${kind} from ${min} to ${max}`;
    if (bounded(min)) return `${kind} of at least ${min}`;
    return bounded(max) ? `${kind} of at most ${max}` : kind;
  }
  if (s instanceof z.ZodEnum) return `one of ${s.options.join(', ')}`;
  if (s instanceof z.ZodURL) return 'an http:// or https:// URL';
  if (s instanceof z.ZodString && bounded(s.minLength) && s.minLength > 1) return `at least ${s.minLength} characters`;
  return 'a value that is not empty';
}

/** An accepted value to show: the schema's example, else its default, else one read off its bounds. */
function example(f: Field): string | undefined {
  const meta = z.globalRegistry.get(f.inner as z.ZodType);
  const given = (meta?.examples as unknown[] | undefined)?.[0] ?? f.fallback;
  if (given !== undefined) return String(given);
  const s = f.inner as z.ZodType;
  if (s instanceof z.ZodNumber) return String(bounded(s.minValue) ? s.minValue : 1);
  if (s instanceof z.ZodEnum) return String(s.options[0]);
  return undefined;
}

/** The value as it may be printed: credentials by their length only, a URL without its password. */
function shown(name: string, raw: string | undefined, f: Field | undefined): string {
  if (raw === undefined) return f?.fallback === undefined ? 'it is not set' : `it is not set, so ${String(f.fallback)}`;
  if (SECRET.test(name)) return `it is ${raw.length} characters long, not shown`;
  let value = raw;
  try {
    const url = new URL(raw);
    if (url.password) value = raw.replace(`:${url.password}@`, ':***@');
  } catch {
    // not a URL: shown as it is
  }
  const quoted = /^-?\d+(\.\d+)?$/.test(value) ? value : JSON.stringify(value);
  return f?.inner instanceof z.ZodNumber && Number.isNaN(Number(raw)) ? `it is ${quoted}, not a number` : `it is ${quoted}`;
}

/** One sentence for one zod issue about the environment `env` checked against `schema`. */
export function describeConfigIssue(schema: Schema, issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = issue.path.map(String).join('.') || '(the configuration as a whole)';
  const f = field(objectShape(schema)[name]);
  const it = shown(name, env[name], f);
  // A refinement across variables says in its own message what must hold; the fix may be in the other one.
  if (issue.code === 'custom' || !f) return `${name}: ${issue.message} (${it})`;
  const what = issue.code === 'invalid_format' && issue.format === 'regex' && !z.globalRegistry.get(f.inner as z.ZodType)?.description
    ? issue.message.replace(/^must (be )?/, '') // the check's own words ("look like 100kb")
    : requirement(f);
  const sample = example(f);
  const verb = /^(look|match)/.test(what) ? 'must' : 'must be';
  return `${name}: ${verb} ${what} (${it})${sample === undefined ? '' : `; for example ${name}=${sample}`}`;
}

/** Every issue of a failed parse, as sentences, in the order of the variables' names. */
export function describeConfigIssues(schema: Schema, error: z.ZodError, env: Record<string, string | undefined>): string[] {
  return [...new Set(error.issues.map((i) => describeConfigIssue(schema, i, env)))].sort();
}
