// Bad path and query parameters.
// Part of the property-based bad-input tests: see index.ts.
import fc from 'fast-check';
import type { Operation, Parameter } from './document';
import { describeValue, invalidValue } from './invalid-values';
import { GeneratedRequest, type Target, assemble, enc, overEncode, validPieces } from './requests';
import { isValidParameter, toJsonText } from './schemas';
import { type Hints, validString, validValue } from './valid-values';

export const MAX_SEGMENT = 8000; // well under Node's 16 KiB limit for the request head (see oversizedHeads)

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

export function badPathRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
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

export function badQueryRequests(op: Operation, target: Target, hints: Hints): fc.Arbitrary<GeneratedRequest> {
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
