// Schemas: validation (ajv) and JSON text.
// Part of the property-based bad-input tests: see index.ts.
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import type { Schema } from './document';

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
export function isValidParameter(schema: Schema, value: string): boolean {
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
export const asParsed = (value: unknown): unknown => JSON.parse(toJsonText(value));

export const typesOf = (s: Schema): string[] => {
  if (Array.isArray(s.type)) return s.type;
  if (typeof s.type === 'string') return [s.type];
  if (s.properties || s.required) return ['object'];
  if (s.items) return ['array'];
  return [];
};

export const MAX_SAFE_INT32 = 2_147_483_647;
